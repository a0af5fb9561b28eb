"""Password rules beyond Django's own validators (listed in AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


def character_classes(password: str) -> set[str]:
    """Return the kinds of character ``password`` uses: lower, upper, digit, symbol.

    Letters count by their Unicode case and digits by ``isdecimal``; every other character
    (punctuation, space, a Chinese character) counts as a symbol, since it widens the search
    space as much as punctuation does.
    """
    found = set()
    for ch in password:
        if ch.islower():
            found.add("lower")
        elif ch.isupper():
            found.add("upper")
        elif ch.isdecimal():
            found.add("digit")
        else:
            found.add("symbol")
    return found


class CharacterClassValidator:
    """Require characters of at least ``min_classes`` of four kinds: lower, upper, digit, symbol.

    Government security baselines (等级保护) ask for mixed character kinds rather than a
    particular one, so any three of the four are enough by default.
    """

    def __init__(self, min_classes: int = 3):
        if not 1 <= min_classes <= 4:
            raise ValueError("min_classes must be between 1 and 4")
        self.min_classes = min_classes

    def validate(self, password, user=None):
        """Raise ValidationError when the password mixes too few kinds of character."""
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(
                ngettext(
                    "This password must contain characters of at least %(min_classes)d kind: "
                    "lower-case letters, upper-case letters, digits, symbols.",
                    "This password must contain characters of at least %(min_classes)d of these "
                    "four kinds: lower-case letters, upper-case letters, digits, symbols.",
                    self.min_classes,
                ),
                code="password_too_few_character_classes",
                params={"min_classes": self.min_classes},
            )

    def get_help_text(self):
        """The rule as shown under a password field."""
        return ngettext(
            "Your password must contain characters of at least %(min_classes)d kind: "
            "lower-case letters, upper-case letters, digits, symbols.",
            "Your password must contain characters of at least %(min_classes)d of these four "
            "kinds: lower-case letters, upper-case letters, digits, symbols.",
            self.min_classes,
        ) % {"min_classes": self.min_classes}
