"""What changed between two attempts at the same question: the "Since your last try" box."""

from __future__ import annotations

from pydantic import BaseModel, Field

from questions.judgement import Judgement


class RetakeDiff(BaseModel):
    """Concept and red-flag labels grouped by how they moved; ``coverage_delta`` is current - previous."""

    newly_covered: list[str] = Field(default_factory=list)
    still_missing: list[str] = Field(default_factory=list)
    lost: list[str] = Field(default_factory=list)  # covered last time, not this time
    red_flags_cleared: list[str] = Field(default_factory=list)
    red_flags_new: list[str] = Field(default_factory=list)
    coverage_delta: float = 0.0

    @property
    def unchanged(self) -> bool:
        return not (self.newly_covered or self.lost or self.red_flags_cleared or self.red_flags_new) and (
            abs(self.coverage_delta) < 0.005
        )


def compare(previous: Judgement, current: Judgement) -> RetakeDiff:
    """Compare two judgements of one question by concept and red-flag id, keeping bank order.

    Raises ``ValueError`` when they judge different questions: such a diff would mean nothing.
    """
    if previous.question != current.question:
        raise ValueError(
            f"cannot compare attempts at different questions ({previous.question!r} and {current.question!r})"
        )
    before = {hit.concept for hit in previous.covered}
    now = {hit.concept for hit in current.covered}
    flags_before = {flag.id: flag.label for flag in previous.red_flags}
    flags_now = {flag.id: flag.label for flag in current.red_flags}
    # Labels come from the current judgement where it knows the concept (the bank may have been edited).
    labels = {c.concept: c.label for c in [*previous.covered, *previous.missed]}
    labels.update({c.concept: c.label for c in [*current.covered, *current.missed]})
    return RetakeDiff(
        newly_covered=[hit.label for hit in current.covered if hit.concept not in before],
        still_missing=[miss.label for miss in current.missed if miss.concept not in before],
        lost=[labels[hit.concept] for hit in previous.covered if hit.concept not in now],
        red_flags_cleared=[label for fid, label in flags_before.items() if fid not in flags_now],
        red_flags_new=[label for fid, label in flags_now.items() if fid not in flags_before],
        coverage_delta=round(current.coverage - previous.coverage, 4),
    )
