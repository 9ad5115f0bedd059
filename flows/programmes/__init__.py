"""Follow-up programmes ("medicina di iniziativa"): recalls of patients picked by a segment, sent as
short sequences that stop at the first answer, measured as a funnel. This package decides; the
queries live in `storage.repositories.programmes` and the sending in the scheduler's outbox."""
