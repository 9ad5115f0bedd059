"""Certificato: which certificate, then the dates it needs.

Sick leave (INPS) needs the first day of illness and the days off expected; a sport, school or
work certificate, and any other, the day it is needed by.
"""

from __future__ import annotations

from flows.declarations import Choose, Option, Step, Typed
from flows.kinds.common import request_flow

CERTIFICATE = request_flow(
    "certificate",
    Step(
        "which",
        prompt="certificate.which",
        input=Choose(
            key="certificate",
            options=(
                Option("sick", "certificate.which.sick"),
                Option("sport", "certificate.which.sport"),
                Option("school", "certificate.which.school"),
                Option("other", "certificate.which.other"),
            ),
        ),
        summary_label="certificate.label.which",
    ),
    Step(
        "other",
        prompt="certificate.other",
        input=Typed("description", max_length=120),
        only_if=("certificate", ("other",)),
        summary_label="certificate.label.description",
    ),
    Step(
        "sick_from",
        prompt="certificate.sick_from",
        input=Typed(
            "sick_from",
            validator="past_date",
            quick=(
                Option("oggi", "certificate.quick.today"),
                Option("ieri", "certificate.quick.yesterday"),
            ),
        ),
        only_if=("certificate", ("sick",)),
        summary_label="certificate.label.sick_from",
    ),
    Step(
        "sick_days",
        prompt="certificate.sick_days",
        input=Typed(
            "sick_days",
            validator="number",
            min_value=1,
            max_value=30,
            quick=(
                Option("3", "certificate.days.3"),
                Option("5", "certificate.days.5"),
                Option("7", "certificate.days.7"),
            ),
        ),
        only_if=("certificate", ("sick",)),
        summary_label="certificate.label.sick_days",
    ),
    Step(
        "needed_by",
        prompt="certificate.needed_by",
        input=Typed(
            "needed_by",
            validator="future_date",
            quick=(
                Option("domani", "certificate.quick.tomorrow"),
                Option("dopodomani", "certificate.quick.day_after"),
            ),
        ),
        only_if=("certificate", ("sport", "school", "other")),
        summary_label="certificate.label.needed_by",
    ),
    icon="📝",
    rank=20,
    links=("certificato",),
)

KIND = CERTIFICATE
