"""Matching the clauses of two versions of a document, so tasks keep their ids."""

import difflib
import unicodedata


def _key(label: str, title: str) -> str:
    return "".join(unicodedata.normalize("NFKC", f"{label}|{title}").split())


def match_clauses(
    *, old: list[tuple[str, str, str]], new: list[tuple[str, str, str]]
) -> dict[int, int]:
    """Pair new clauses with old ones; returns {new index: old index}.

    Each entry is (label, title, fingerprint). Clauses pair when their fingerprints are equal
    (unchanged), when label and title are equal (body or units reworded), or when they sit at
    the same place of a changed run with the same label (title reworded). Order is respected,
    so a moved clause counts as removed and added rather than silently keeping a wrong task.
    """
    pairs: dict[int, int] = {}
    for keys in (lambda row: row[2], lambda row: _key(row[0], row[1])):
        old_free = [i for i in range(len(old)) if i not in pairs.values()]
        new_free = [j for j in range(len(new)) if j not in pairs]
        matcher = difflib.SequenceMatcher(
            None, [keys(old[i]) for i in old_free], [keys(new[j]) for j in new_free], autojunk=False
        )
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                pairs[new_free[block.b + k]] = old_free[block.a + k]
    old_free = [i for i in range(len(old)) if i not in pairs.values()]
    new_free = [j for j in range(len(new)) if j not in pairs]
    matcher = difflib.SequenceMatcher(
        None,
        [_key(old[i][0], "") for i in old_free],
        [_key(new[j][0], "") for j in new_free],
        autojunk=False,
    )
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            pairs[new_free[block.b + k]] = old_free[block.a + k]
    return dict(sorted(pairs.items()))
