"""Files: bot uploads (multipart and attach://), file_id reuse, getFile, downloads, user media."""

from __future__ import annotations

import struct

import aiohttp

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", 1024, 768) + b"\x00" * 40


async def _upload(api, method: str, fields: dict, files: dict) -> dict:
    form = aiohttp.FormData()
    for key, value in fields.items():
        form.add_field(key, str(value))
    for key, (name, data, mime) in files.items():
        form.add_field(key, data, filename=name, content_type=mime)
    async with api.session.post(api.url(method), data=form) as response:
        return await response.json()


async def _download(api, file_path: str) -> bytes:
    url = f"{api.emulator.base_url}/file/bot{api.emulator.token}/{file_path}"
    async with api.session.get(url) as response:
        assert response.status == 200
        return await response.read()


async def test_bot_uploads_a_document_and_downloads_it(api, client, user):
    body = await _upload(
        api,
        "sendDocument",
        {"chat_id": user.id, "caption": "La tua ricetta"},
        {"document": ("ricetta.pdf", b"%PDF-1.4 ricetta", "application/pdf")},
    )
    assert body["ok"], body
    document = body["result"]["document"]
    assert document["file_name"] == "ricetta.pdf"
    assert document["mime_type"] == "application/pdf"
    assert document["file_size"] == len(b"%PDF-1.4 ricetta")
    assert document["file_unique_id"]
    file = await api.ok("getFile", file_id=document["file_id"])
    assert file["file_path"].endswith(".pdf")
    assert await _download(api, file["file_path"]) == b"%PDF-1.4 ricetta"
    assert await client.download(document["file_id"]) == b"%PDF-1.4 ricetta"
    [message] = await client.transcript(user.id)
    assert (message.kind, message.caption) == ("document", "La tua ricetta")


async def test_bot_uploads_a_photo_via_attach(api, user):
    body = await _upload(
        api,
        "sendPhoto",
        {"chat_id": user.id, "photo": "attach://file7"},
        {"file7": ("a.png", PNG, "image/png")},
    )
    assert body["ok"], body
    sizes = body["result"]["photo"]
    assert (sizes[-1]["width"], sizes[-1]["height"]) == (1024, 768)
    assert max(sizes[0]["width"], sizes[0]["height"]) == 320
    # The same file_id can be sent again without uploading.
    again = await api.ok("sendPhoto", chat_id=user.id, photo=sizes[-1]["file_id"])
    assert again["photo"][-1]["file_id"] == sizes[-1]["file_id"]


async def test_unknown_file_ids_are_refused(api, user):
    body = await api.error("sendDocument", chat_id=user.id, document="BQACnothing")
    assert body["description"] == "Bad Request: wrong file identifier/HTTP URL specified"
    body = await api.error("getFile", file_id="BQACnothing")
    assert body["description"] == "Bad Request: invalid file_id"
    url = f"{api.emulator.base_url}/file/bot{api.emulator.token}/documents/none.pdf"
    async with api.session.get(url) as response:
        assert response.status == 404


async def test_user_sends_a_photo_the_bot_can_download(api, client, user):
    sent = await client.send_photo(user.id, PNG, caption="Referto")
    assert sent.kind == "photo"
    assert sent.caption == "Referto"
    [update] = await api.ok("getUpdates")
    photo = update["message"]["photo"]
    assert update["message"]["caption"] == "Referto"
    assert photo[-1]["width"] == 1024
    assert photo[-1]["file_size"] == len(PNG)
    file = await api.ok("getFile", file_id=photo[-1]["file_id"])
    assert await _download(api, file["file_path"]) == PNG


async def test_user_sends_a_document_as_multipart(api, client, user):
    form = aiohttp.FormData()
    form.add_field("caption", "Esami")
    form.add_field("file", b"dati", filename="esami.pdf", content_type="application/pdf")
    url = f"{api.emulator.base_url}/_emulator/users/{user.id}/document"
    async with api.session.post(url, data=form) as response:
        assert response.status == 200, await response.text()
    [update] = await api.ok("getUpdates")
    document = update["message"]["document"]
    assert (document["file_name"], document["mime_type"]) == ("esami.pdf", "application/pdf")
    file = await api.ok("getFile", file_id=document["file_id"])
    assert await _download(api, file["file_path"]) == b"dati"


async def test_user_document_from_the_client(api, client, user):
    await client.send_document(user.id, b"%PDF", file_name="impegnativa.pdf")
    [update] = await api.ok("getUpdates")
    assert update["message"]["document"]["mime_type"] == "application/pdf"
