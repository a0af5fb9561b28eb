"""The evaluation score: rates from counts, and the weighted formula.

Rates (4 decimals, half-up):
    on-time rate    = reports on time ÷ reports due          (0 when no report is due)
    completion rate = tasks done ÷ tasks assigned            (0 when no task is assigned)
    target attainment: computed by the rollup (NULL when no target has an actual)

Score (2 decimals, half-up, never below 0), with the weights of ``ScoreWeights``:

    score = 100 × Σ(wᵢ × rᵢ) ÷ Σ(wᵢ)  −  100 × overdue_penalty × (tasks overdue ÷ tasks assigned)

where the sums run over the components that apply: on-time rate when a report was due,
completion rate when a task was assigned, target attainment when it is not NULL. A unit with
nothing due in a component is neither rewarded nor punished for it; with no component at all
the score is 0. The default weights are 0.40 / 0.40 / 0.20 with an overdue penalty of 0.20:
a unit with every task overdue loses 20 points.

Every step is Decimal arithmetic on the stored (rounded) values, so a snapshot's score can be
recomputed by hand from its row, and a correction on appeal recomputes it the same way.
"""

from decimal import ROUND_HALF_UP, Decimal

RATE_PLACES = Decimal("0.0001")
SCORE_PLACES = Decimal("0.01")
_ZERO = Decimal("0")
_HUNDRED = Decimal("100")


def ratio(numerator: int, denominator: int) -> Decimal:
    """numerator ÷ denominator to 4 places; 0 when the denominator is 0."""
    if not denominator:
        return _ZERO.quantize(RATE_PLACES)
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_UP)


def as_rate(value) -> Decimal | None:
    """A database or user value as a 4-place rate (None stays None)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(RATE_PLACES, ROUND_HALF_UP)


def score(
    *,
    weights: dict,
    tasks_assigned: int,
    tasks_overdue: int,
    reports_due: int,
    on_time_rate: Decimal,
    completion_rate: Decimal,
    target_attainment: Decimal | None,
) -> Decimal:
    """The score of one snapshot row by the formula in this module's docstring."""
    parts = []
    if reports_due:
        parts.append((Decimal(weights["on_time"]), on_time_rate))
    if tasks_assigned:
        parts.append((Decimal(weights["completion"]), completion_rate))
    if target_attainment is not None:
        parts.append((Decimal(weights["target"]), target_attainment))
    total_weight = sum((w for w, _ in parts), _ZERO)
    if not total_weight:
        return _ZERO.quantize(SCORE_PLACES)
    value = _HUNDRED * sum((w * r for w, r in parts), _ZERO) / total_weight
    if tasks_assigned:
        value -= (
            _HUNDRED * Decimal(weights["overdue_penalty"]) * Decimal(tasks_overdue) / tasks_assigned
        )
    return max(value, _ZERO).quantize(SCORE_PLACES, ROUND_HALF_UP)


def competition_ranks(scores: list[Decimal]) -> list[int]:
    """Ranks for scores given in descending order, ties sharing a rank (1, 2, 2, 4)."""
    ranks = []
    for index, value in enumerate(scores):
        if index and value == scores[index - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(index + 1)
    return ranks
