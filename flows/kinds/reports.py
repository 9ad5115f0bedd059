"""Referti: photos or PDFs of exam results, what kind of exam, and what the patient wants."""

from __future__ import annotations

from flows.declarations import Choose, Files, Option, Step, Typed
from flows.kinds.common import request_flow

REPORTS = request_flow(
    "reports",
    Step(
        "files",
        prompt="reports.files",
        input=Files("files", max_files=5),
        summary_label="reports.label.files",
    ),
    Step(
        "exam",
        prompt="reports.exam",
        input=Choose(
            key="exam",
            options=(
                Option("blood", "reports.exam.blood"),
                Option("imaging", "reports.exam.imaging"),
                Option("specialist", "reports.exam.specialist"),
                Option("other", "reports.exam.other"),
            ),
        ),
        summary_label="reports.label.exam",
    ),
    Step(
        "wanted",
        prompt="reports.wanted",
        input=Choose(
            key="wanted",
            options=(
                Option("review", "reports.wanted.review"),
                Option("file", "reports.wanted.file"),
            ),
        ),
        summary_label="reports.label.wanted",
    ),
    Step(
        "note",
        prompt="reports.note",
        input=Typed("note", validator="long_text", max_length=300, optional=True),
        summary_label="reports.label.note",
    ),
    icon="🧾",
    rank=30,
    links=("referti",),
)

KIND = REPORTS
