"""Reminders and follow-up on the front desk's side: therapy reminders set up as a flow, the
answers to every pushed reminder, caregivers, and what each reminder says. The scheduler
(`scheduler/`) plans and sends them; this package never sends anything itself."""

from __future__ import annotations

from flows import satisfaction
from flows.codes import PatientGlobal
from flows.registry import Registry
from flows.reminders import appointments, caregivers, doses, followup, manage, therapy


def registry() -> Registry:
    result = Registry()
    for flow in (therapy.THERAPIES, therapy.THERAPY_NEW, caregivers.CAREGIVER):
        result.add_flow(flow)
    result.describers.update(
        therapies=therapy.therapies_prompt,
        therapy_time=therapy.time_prompt,
        therapy_times=therapy.times_prompt,
        therapy_confirm=therapy.confirm_prompt,
        caregiver=caregivers.caregiver_prompt,
    )
    result.actions.update(
        therapy_add_time=therapy.add_time,
        therapy_times_done=therapy.times_done,
        therapy_save=therapy.save,
        therapy_manage=manage.manage_action,
        caregiver_invite=caregivers.invite,
        caregiver_remove=caregivers.remove,
    )
    # Buttons on pushed messages.
    result.commands.update(
        {
            PatientGlobal.DOSE.head: doses.on_button,
            PatientGlobal.APPOINTMENT.head: appointments.on_button,
            PatientGlobal.RATING.head: followup.on_rating,
            PatientGlobal.CHECKBACK.head: followup.on_checkback,
            PatientGlobal.THERAPY.head: manage.on_button,
        }
    )
    # Satisfaction follows a closed request or a visit, as the other follow-ups do.
    result.merge(satisfaction.registry())
    return result
