"""A request's answer lines: made once from a flow's answers, kept, and read back alike."""

from __future__ import annotations

from typing import Any

from flows.answers import FILES, KEY, TEXT, AnswerLine, answer_lines, bulleted, filed, filed_lines
from flows.i18n import Catalog
from flows.kinds.certificate import CERTIFICATE
from flows.kinds.prescription import FLOW as PRESCRIPTION
from flows.kinds.prescription import medicine_of
from flows.kinds.reports import REPORTS

CATALOG = Catalog.load()


def italian(key: str, **params: Any) -> str:
    return CATALOG.text(key, "it", **params)


def test_each_kind_of_answer_becomes_its_line() -> None:
    given = {"urgent": "no", "files": [{"file_id": "a"}, {"file_id": "b"}], "exam": "blood"}
    given |= {"wanted": "review", "note": None}
    assert answer_lines(REPORTS, given) == [
        AnswerLine("reports.label.files", 2, FILES),
        AnswerLine("reports.label.exam", "reports.exam.blood", KEY),
        AnswerLine("reports.label.wanted", "reports.wanted.review", KEY),
        AnswerLine("reports.label.note", "", TEXT),
    ]


def test_steps_not_asked_are_not_lines_and_dates_read_as_written() -> None:
    given = {"certificate": "sick", "sick_from": "2026-11-23", "needed_by": "2026-12-01"}
    lines = answer_lines(CERTIFICATE, given)
    assert [line.label for line in lines] == [
        "certificate.label.which",
        "certificate.label.sick_from",
    ]
    assert lines[1].value == "23/11/2026"


def test_filed_lines_read_back_as_made() -> None:
    given = {"what": "repeat", "_what_label": "x", "saved": "t4", "_saved_label": "Ramipril 5 mg"}
    stored = filed(PRESCRIPTION, given | {"boxes": 2})
    assert "_what_label" not in stored
    assert stored["saved"] == "t4"
    assert filed_lines(stored) == answer_lines(PRESCRIPTION, given | {"boxes": 2})
    assert medicine_of(stored) == "Ramipril 5 mg"


def test_rows_filed_in_the_stored_shape_render_alike() -> None:
    stored = {
        "_lines": [
            {"label": "prescription.label.what", "value_key": "prescription.what.new"},
            {"label": "prescription.label.medicine", "value": "Aspirina"},
            {"label": "prescription.label.dose", "value": ""},
            {"label": "reports.label.files", "files": 3},
        ]
    }
    lines = filed_lines(stored)
    assert [line.kind for line in lines] == [KEY, TEXT, TEXT, FILES]
    assert [line.stored() for line in lines] == stored["_lines"]
    assert bulleted(lines, italian)[1:] == [
        "• Farmaco: Aspirina",
        "• Dosaggio: —",
        "• Documenti: 3 file",
    ]
    assert medicine_of(stored) == "Aspirina"


def test_a_purged_request_has_no_lines() -> None:
    assert filed_lines({}) == []
    assert medicine_of({}) == ""
