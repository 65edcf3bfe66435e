"""Feedback on the service, sent from the form the phase banner links to."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

# GOV.UK's usual limit for a feedback answer: long enough to explain, short enough to read.
FEEDBACK_MAX_CHARS = 1200


class Feedback(models.Model):
    """What a visitor told us about the service, kept as sent and with nobody's identity."""

    trying_to_do = models.CharField("what they were trying to do", max_length=FEEDBACK_MAX_CHARS)
    how_to_improve = models.CharField("how we could improve it", max_length=FEEDBACK_MAX_CHARS)
    page = models.CharField(
        max_length=100,
        blank=True,
        help_text="The page the feedback link was followed from, by its name, never its address.",
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "feedback"
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(trying_to_do=""), name="feedback_trying_to_do_given"
            ),
            models.CheckConstraint(
                condition=~models.Q(how_to_improve=""), name="feedback_how_to_improve_given"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback of {self.received_at:%d %B %Y %H:%M}"
