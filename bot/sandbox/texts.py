"""The sandbox page's own words (its chrome: phone titles, controls), in Italian and English.

They are not the front desk's texts, which the bot sends and the catalogs hold; they only frame
the phones. The page gets them from `/api/state`, so they live here and nowhere else.
"""

from __future__ import annotations

CHROME: dict[str, dict[str, str]] = {
    "it": {
        "title": "Front desk — sandbox",
        "subtitle": "Il bot vero, un Telegram finto: niente esce da questo computer.",
        "patient": "Paziente",
        "doctor": "Medico",
        "start": "Avvia (/start)",
        "placeholder": "Scriva un messaggio…",
        "send": "Invia",
        "attach": "Allega",
        "commands": "Comandi",
        "edited": "modificato",
        "protected": "protetto",
        "empty": "Nessun messaggio. Tocchi «Avvia» per cominciare.",
        "empty_doctor": "Scriva /inbox per aprire la casella delle richieste.",
        "add_patient": "➕ Aggiungi paziente",
        "reset": "Ricomincia da capo",
        "reset_confirm": "Cancellare tutte le chat e il database della sandbox?",
        "clock": "Orologio del bot",
        "travel": "Avanti veloce",
        "plus_15m": "+15 minuti",
        "plus_1h": "+1 ora",
        "plus_1d": "+1 giorno",
        "next_reminder": "⏭ Prossimo promemoria",
        "nothing_due": "Nessun promemoria in programma.",
        "travelling": "Il tempo scorre…",
        "offline": "La sandbox non risponde: è ancora in esecuzione?",
        "no_limit": (
            "Qui un paziente può inviare quante richieste vuole, per provarle tutte; "
            "nel servizio vero il limite è di {limit} al giorno."
        ),
        "today": "Oggi",
        "yesterday": "Ieri",
    },
    "en": {
        "title": "Front desk — sandbox",
        "subtitle": "The real bot, a pretend Telegram: nothing leaves this computer.",
        "patient": "Patient",
        "doctor": "Doctor",
        "start": "Start (/start)",
        "placeholder": "Write a message…",
        "send": "Send",
        "attach": "Attach",
        "commands": "Commands",
        "edited": "edited",
        "protected": "protected",
        "empty": "No messages yet. Tap “Start” to begin.",
        "empty_doctor": "Type /inbox to open the requests' inbox.",
        "add_patient": "➕ Add patient",
        "reset": "Start over",
        "reset_confirm": "Delete every chat and the sandbox database?",
        "clock": "Bot's clock",
        "travel": "Fast-forward",
        "plus_15m": "+15 minutes",
        "plus_1h": "+1 hour",
        "plus_1d": "+1 day",
        "next_reminder": "⏭ Next reminder",
        "nothing_due": "No reminder scheduled.",
        "travelling": "Time passes…",
        "offline": "The sandbox does not answer: is it still running?",
        "no_limit": (
            "Here a patient may send as many requests as they like, to try every kind; "
            "the real service allows {limit} a day."
        ),
        "today": "Today",
        "yesterday": "Yesterday",
    },
}


def chrome(lang: str, *, limit: int) -> dict[str, str]:
    """The page's words in `lang`, Italian when there are none in it; `limit` is the daily
    number of requests the real service allows a patient (the sandbox allows any)."""
    words = dict(CHROME.get(lang, CHROME["it"]))
    words["no_limit"] = words["no_limit"].format(limit=limit)
    return words
