"""Satisfaction, asked the way primary care asks it: after a closed request or an attended
visit, one overall question with six one-tap answers, then an optional short comment, and — when
the practice turns it on, at most once a quarter — how likely the patient is to recommend it.

`asking` decides whether a patient may be asked and builds the pushed question; `answering`
takes the tap and runs the short follow-up flow; `words` turns stored codes into text. The
scheduler (`scheduler/`) plans and sends the question; nothing here sends anything itself.
"""

from __future__ import annotations

from flows.codes import PatientGlobal
from flows.registry import Registry
from flows.satisfaction import answering


def registry() -> Registry:
    result = Registry()
    result.add_flow(answering.COMMENT)
    result.add_flow(answering.RECOMMEND)
    result.actions.update(
        satisfaction_recommended=answering.recommended,
        satisfaction_done=answering.done,
    )
    result.providers.update(recommend_scores=answering.scores)
    result.commands.update({PatientGlobal.SATISFACTION.head: answering.on_button})
    return result
