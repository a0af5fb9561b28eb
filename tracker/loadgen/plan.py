"""Pure-Python plans of the load data: the units of the province and its documents.

No queries here. Unit names depend only on their position (the first N units of a larger
scale are the units of a smaller one), so texts generated with any seed name units that exist
in any generated jurisdiction at least as large. A document depends only on the seed, its
index and the number of documents (which spreads their dates over the two years).
"""

import hashlib
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from accounts.models import normalize_name
from clauses.parsing.places import CITIES, PROVINCES
from clauses.parsing.values import find_targets

from . import words as w

JURISDICTION_NAME = "负载测试省"
JURISDICTION_SHORT = "负载测试"
ISSUER_PROVINCE = "负载测试省人民政府办公厅"
HISTORY_DAYS = 730  # two years of documents and reports before "today"


# --- units -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitPlan:
    """One unit: canonical name, the short form documents print, kind, the pool it works in.

    Pool 0 is the province (its departments, branches, enterprises and the cities'
    governments); pool k is city k with its departments and counties.
    """

    name: str
    short_name: str
    kind: str
    pool: int

    @property
    def aliases(self) -> list[str]:
        """The spellings the resolver must know: the canonical and the short name."""
        return [self.name] + ([self.short_name] if self.short_name != self.name else [])

    @property
    def printed(self) -> str:
        """The name a document of the province prints (the short one)."""
        return self.short_name or self.name


def _place_names():
    """Made-up two-character place names, then three-character ones; never a real city or
    province (so the parser's gazetteer never mistakes them) and never repeated."""
    real = set(CITIES) | set(PROVINCES)
    rng = random.Random("loadgen-places")  # noqa: S311 - fixed names, not secrets  # nosec B311
    pairs = [a + b for a in w.PLACE_FIRST for b in w.PLACE_SECOND if a != b]
    rng.shuffle(pairs)
    triples = [p + c for p in pairs for c in w.PLACE_SECOND if c not in p]
    rng.shuffle(triples)
    for name in pairs + triples:
        if not any(r in name or name in r for r in real):
            yield name


def _all_units():
    """Every unit of an unbounded province, in the order they are created."""
    p = JURISDICTION_NAME
    for suffix, kind in w.PROVINCE_DEPARTMENTS:
        if kind == "party_office":
            yield UnitPlan(f"中共{p}{suffix}", f"省{suffix}", kind, 0)
        else:
            yield UnitPlan(f"{p}{suffix}", f"省{suffix}", kind, 0)
    for canonical, short, kind in w.PROVINCE_OTHERS:
        yield UnitPlan(canonical.format(p=p), short, kind, 0)
    for name in (
        w.COLLECTIVE_CITIES,
        w.COLLECTIVE_COUNTIES,
        w.COLLECTIVE_ZONES,
        w.COLLECTIVE_BANKS,
        w.COLLECTIVE_DEPARTMENTS,
    ):
        yield UnitPlan(name, name, "collective", 0)
    places = _place_names()
    city_no = 0
    while True:
        city_no += 1
        c = next(places)
        yield UnitPlan(f"{c}市人民政府", f"{c}市政府", "district", 0)
        for suffix, kind in w.CITY_DEPARTMENTS:
            prefix = "中共" if kind == "party_office" else ""
            yield UnitPlan(f"{prefix}{c}市{suffix}", f"{c}市{suffix}", kind, city_no)
        for canonical, short, kind in w.CITY_OTHERS:
            yield UnitPlan(canonical.format(c=c), short.format(c=c), kind, city_no)
        for j in range(w.COUNTIES_PER_CITY):
            d = next(places) + ("区" if j < 3 else "县")
            yield UnitPlan(f"{d}人民政府", f"{d}政府", "district", city_no)
            for suffix in w.COUNTY_DEPARTMENTS:
                yield UnitPlan(f"{d}{suffix}", f"{d}{suffix}", "city_department", city_no)


@lru_cache(maxsize=8)
def unit_plans(count: int) -> tuple[UnitPlan, ...]:
    """The first ``count`` units of the province (the same names whatever the seed)."""
    units = []
    for unit in _all_units():
        if len(units) == count:
            break
        units.append(unit)
    return tuple(units)


def collective_members(units: tuple[UnitPlan, ...]) -> dict[int, list[int]]:
    """Members of each collective unit present (by index in ``units``)."""
    index = {u.name: i for i, u in enumerate(units)}
    wanted = {
        w.COLLECTIVE_CITIES: lambda u: u.pool == 0 and u.name.endswith("市人民政府"),
        w.COLLECTIVE_COUNTIES: lambda u: u.kind == "district" and u.pool > 0,
        w.COLLECTIVE_ZONES: lambda u: u.kind == "zone",
        w.COLLECTIVE_BANKS: lambda u: u.kind == "financial_institution" and "银行" in u.name,
    }
    return {
        index[name]: [i for i, u in enumerate(units) if test(u)]
        for name, test in wanted.items()
        if name in index
    }


def pools(units: tuple[UnitPlan, ...]) -> dict[int, list[int]]:
    """Unit indexes by pool, in creation order (the first ones are named most often)."""
    result: dict[int, list[int]] = {}
    for i, u in enumerate(units):
        result.setdefault(u.pool, []).append(i)
    return result


# --- documents -------------------------------------------------------------------------------


@dataclass
class TargetPlan:
    text: str
    metric: str
    comparator: str
    value: Decimal
    unit: str
    deadline_text: str
    deadline_date: date | None


@dataclass
class ClausePlan:
    label: str
    section: str
    title: str
    body: str
    is_task: bool = True
    non_task_reason: str = ""
    units: list[tuple[int, str]] = field(default_factory=list)  # (unit index, role)
    two_leads: bool = False
    targets: list[TargetPlan] = field(default_factory=list)

    def unit_text(self, units: tuple[UnitPlan, ...]) -> str:
        """The note as printed inside its brackets (what the importer stores as unit_text)."""
        names = [units[i].printed for i, _role in self.units]
        if self.two_leads:
            return f"牵头单位：{'、'.join(names[:2])}；配合单位：{'、'.join(names[2:])}"
        return "责任单位：" + "、".join(names)

    def fingerprint(self, units: tuple[UnitPlan, ...]) -> str:
        """The importer's clause fingerprint (clauses.services._PlannedClause)."""
        names = "、".join(units[i].printed for i, _role in self.units)
        key = "\x1f".join([self.label, self.title, self.body, names])
        return hashlib.sha256(normalize_name(key).encode()).hexdigest()


@dataclass
class DocumentPlan:
    index: int
    pool: int
    prefix: str  # 负载测试省 or 东阳市: who issues it
    title: str
    kind: str
    doc_number: str
    issuer: str
    addressees: str  # the 主送 line as printed
    issued_on: date
    valid_years: int | None
    lead_rule: bool
    preamble: str
    arabic_labels: bool
    clauses: list[ClausePlan]
    lineage: uuid.UUID
    content_hash: str

    @property
    def tasks(self) -> list[ClausePlan]:
        return [c for c in self.clauses if c.is_task]

    @property
    def valid_until(self) -> date | None:
        if not self.valid_years:
            return None
        end = self.issued_on.replace(year=self.issued_on.year + self.valid_years)
        return end - timedelta(days=1)


def _fit(rng: random.Random, length: int, make, tries: int = 6) -> str:
    """The candidate (from ``make(rng)``) whose length is closest to ``length``."""
    best = make(rng)
    for _ in range(tries - 1):
        if len(best) == length:
            break
        candidate = make(rng)
        if abs(len(candidate) - length) < abs(len(best) - length):
            best = candidate
    return best


def _clause_title(rng: random.Random, nouns: list[str], length: int) -> str:
    def make(r):
        title = r.choice(w.VERBS) + r.choice(nouns) + r.choice(w.TITLE_TAILS)
        if len(title) < length - 4:
            title = r.choice(w.VERBS) + r.choice(nouns) + "和" + r.choice(nouns)
            title += r.choice(w.TITLE_TAILS)
        return title

    return _fit(rng, length, make)


def _sentence(rng: random.Random, nouns: list[str]) -> str:
    n, m, k = rng.sample(nouns, 3)
    return rng.choice(w.BODY_SENTENCES).format(
        n=n,
        m=m,
        k=k,
        v=rng.choice(w.VERBS),
        w=rng.choice(w.VERBS),
        t=rng.choice(w.TITLE_TAILS),
        a=rng.choice(w.ACTORS),
        g=rng.choice(w.GOALS),
        j=rng.choice(w.ADJECTIVES),
    )


def _body(rng: random.Random, nouns: list[str], length: int, extra: list[str]) -> str:
    """Sentences up to about ``length`` characters; ``extra`` sentences (targets) go last."""
    sentences: list[str] = []
    budget = length - sum(len(s) for s in extra)
    while not sentences or sum(len(s) for s in sentences) < budget - 12:
        sentences.append(_sentence(rng, nouns))
    return "".join(sentences + extra)


def _target(rng: random.Random, nouns: list[str], deadline_year: int) -> tuple[str, TargetPlan]:
    """A target sentence and its reading, taken from the parser so both always agree."""
    metric, word, _cmp, values, measure = rng.choice(w.TARGETS)
    value = rng.choice(values)
    phrase = f"{metric.format(n=rng.choice(nouns))}{word}{value}{measure}"
    sentence = f"到{deadline_year}年，{phrase}。" if rng.random() < 0.6 else f"{phrase}。"
    found = find_targets(sentence)[0]
    return sentence, TargetPlan(
        text=found.text[:200],
        metric=(found.metric or "")[:200],
        comparator=found.comparator,
        value=found.value,
        unit=found.unit[:20],
        deadline_text=found.deadline or "",
        deadline_date=found.deadline_date,
    )


def _label(n: int, arabic: bool) -> str:
    return f"{n}." if arabic else f"（{w.chinese_number(n)}）"


def _pick_units(rng: random.Random, pool: list[int], count: int) -> list[int]:
    """``count`` distinct units of the pool: half of the picks among the pool's first 25
    units (the departments named in most documents), half anywhere in it."""
    count = min(count, len(pool))
    chosen: list[int] = []
    head = pool[:25]
    while len(chosen) < count:
        unit = rng.choice(head) if rng.random() < 0.5 else rng.choice(pool)
        if unit not in chosen:
            chosen.append(unit)
    return chosen


def plan_document(
    *,
    seed: int,
    index: int,
    count: int,
    units: tuple[UnitPlan, ...],
    today: date,
    stream: str = "document",
    title_suffix: str = "",
    number_word: str = "办",
    by_pool: dict[int, list[int]] | None = None,
) -> DocumentPlan:
    """Plan document ``index`` of ``count``: title, numbered parts, clauses with units and targets.

    Shapes follow the seeds (see ``words``); 30 tasks per document on average (15–45), one
    document in three opens with a 总体要求 part that holds no task, seven in ten say that the
    first unit named leads (then, from four units, one clause in four has two leads).
    """
    rng = random.Random(f"{seed}:{stream}:{index}")  # noqa: S311 - reproducible on purpose  # nosec B311
    by_pool = by_pool or pools(units)
    pool_ids = sorted(by_pool)
    pool = rng.choices(pool_ids, weights=[len(by_pool[p]) for p in pool_ids])[0]
    members = by_pool[pool]
    if pool == 0:
        prefix, issuer, addressees = JURISDICTION_NAME, ISSUER_PROVINCE, w.ADDRESSEES_PROVINCE
        short = "负"
    else:
        city = units[members[0]].name.split("市", 1)[0]
        prefix, issuer, addressees = f"{city}市", f"{city}市人民政府办公室", w.ADDRESSEES_CITY
        short = city
    theme, noun_text = rng.choice(w.TOPICS)
    nouns = noun_text.split()
    kind = rng.choice(w.DOCUMENT_KINDS)
    verb = rng.choice(w.TITLE_VERBS)
    title = (
        f"{prefix}关于{verb}{theme}的{kind}"
        if rng.random() < 0.6
        else f"{prefix}{verb}{theme}{kind}"
    ) + title_suffix
    # Spread evenly over the two years in index order (each document in its own slice), so
    # that even a few documents have the history of many, and ids grow with the dates.
    slot = (count - index - 1 + rng.random()) / count
    issued_on = today - timedelta(days=30 + int(slot * (HISTORY_DAYS - 30)))
    doc_number = f"{short}政{number_word}〔{issued_on.year}〕{index + 1}号"
    lead_rule = rng.random() < 0.7
    arabic = rng.random() < 0.2
    preamble = (
        f"为{verb}{theme}，根据国家和省有关部署，结合{'我省' if pool == 0 else '我市'}实际，"
        f"制定本{kind}。"
    ) + ("各项任务中排在第一位的单位为牵头单位。" if lead_rule else "")

    clauses: list[ClausePlan] = []
    sections = rng.choice(w.SEED_SECTIONS)
    number = 0
    part = 0
    if rng.random() < 1 / 3:
        part += 1
        heading = f"{w.chinese_number(part)}、总体要求"
        for aim in ("指导思想", "工作目标")[: rng.randint(1, 2)]:
            number += 1
            clauses.append(
                ClausePlan(
                    label=_label(number, arabic),
                    section=heading,
                    title=aim,
                    body=_body(rng, nouns, rng.choice(w.SEED_BODY_LENGTHS), []),
                    is_task=False,
                    non_task_reason=f"non-actionable heading: {aim}",
                )
            )
    task_count = rng.randint(15, 45)
    parts = sections - part
    per_part = [task_count // parts + (1 if i < task_count % parts else 0) for i in range(parts)]
    for i, in_part in enumerate(per_part):
        part += 1
        if i == parts - 1:
            heading_text = rng.choice(w.CLOSING_SECTIONS)
        else:
            heading_text = rng.choice(w.VERBS) + rng.choice(nouns) + rng.choice(w.SECTION_TAILS)
        heading = f"{w.chinese_number(part)}、{heading_text}"
        for _ in range(in_part):
            number += 1
            extra: list[str] = []
            targets: list[TargetPlan] = []
            if rng.random() < w.SEED_TARGET_SHARE:
                for _t in range(rng.choice(w.SEED_TARGETS_PER_CLAUSE)):
                    sentence, target = _target(rng, nouns, today.year + rng.randint(0, 2))
                    extra.append(sentence)
                    targets.append(target)
            named = _pick_units(rng, members, rng.choice(w.SEED_UNITS_PER_TASK))
            two_leads = lead_rule and len(named) >= 4 and rng.random() < 0.25
            leads = 2 if two_leads else 1 if lead_rule else len(named)
            clauses.append(
                ClausePlan(
                    label=_label(number, arabic),
                    section=heading,
                    title=_clause_title(rng, nouns, rng.choice(w.SEED_TITLE_LENGTHS)),
                    body=_body(rng, nouns, rng.choice(w.SEED_BODY_LENGTHS), extra),
                    units=[(u, "lead" if k < leads else "support") for k, u in enumerate(named)],
                    two_leads=two_leads,
                    targets=targets,
                )
            )
    content = f"loadgen:{seed}:{stream}:{index}:{title}"
    return DocumentPlan(
        index=index,
        pool=pool,
        prefix=prefix,
        title=title,
        kind=kind,
        doc_number=doc_number,
        issuer=issuer,
        addressees=addressees,
        issued_on=issued_on,
        valid_years=rng.choice((None, 3, 5)),
        lead_rule=lead_rule,
        preamble=preamble,
        arabic_labels=arabic,
        clauses=clauses,
        lineage=uuid.UUID(int=rng.getrandbits(128), version=4),
        content_hash=hashlib.sha256(content.encode()).hexdigest(),
    )


def render_text(doc: DocumentPlan, units: tuple[UnitPlan, ...]) -> str:
    """The document as the seeds print it: title, 文号, 主送, preamble, numbered parts with
    clauses that end in （责任单位：…）, closing sentence, issuer and date."""
    lines = [doc.title, doc.doc_number, doc.addressees, doc.preamble]
    section = None
    for clause in doc.clauses:
        if clause.section != section:
            section = clause.section
            lines.append(section)
        note = f"（{clause.unit_text(units)}）" if clause.units else ""
        lines.append(f"{clause.label}{clause.title}。{clause.body}{note}")
    validity = f"，有效期{doc.valid_years}年" if doc.valid_years else ""
    lines.append(f"本{doc.kind}自印发之日起施行{validity}。")
    issued = doc.issued_on
    lines += ["", doc.issuer, f"{issued.year}年{issued.month}月{issued.day}日", ""]
    return "\n".join(lines)
