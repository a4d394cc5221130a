"""How usernames are compared: one normal form, and a skeleton for look-alikes.

A username is stored in its normal form (Unicode NFKC, then case-folded): `ＭａｒｉＥ`
and `Marie` are both `marie`, and sign-in matches whatever form is typed.

Two usernames that look alike are one: their skeletons are equal. The skeleton maps
each character of the normal form to one representative of the characters it can be
mistaken for, after the Unicode confusables data (UTS #39) that `confusable_homoglyphs`
ships: `аdmin` (a Cyrillic `а`) and `admin` share the skeleton `admin`. Characters
confusable with each other, directly or through a third, form one class, represented
by its lowest code point (an ASCII character where the class has one). Mappings of one
character to several (`m` to `rn`) are left out: they would join names that a reader
tells apart.
"""

import functools
import unicodedata

from confusable_homoglyphs import confusables


def normalize(username: str) -> str:
    """The stored form of a username: NFKC, case-folded, then NFKC again (case folding
    can leave a string that NFKC changes)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())


@functools.cache
def _representatives() -> dict[str, str]:
    """Each confusable character's class representative (characters of no class are
    their own)."""
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    for char, lookalikes in confusables.confusables_data.items():
        if len(char) != 1:
            continue
        for lookalike in lookalikes:
            other = lookalike["c"]
            if len(other) == 1:
                first, second = root(char), root(other)
                if first != second:
                    parent[max(first, second)] = min(first, second)
    return {char: root(char) for char in parent}


def skeleton(username: str) -> str:
    """What a username looks like: equal for look-alikes (`аdmin`, `ａｄｍｉｎ`, `admin`)."""
    representatives = _representatives()
    return "".join(representatives.get(char, char) for char in normalize(username))
