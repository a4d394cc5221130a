"""Signed tokens' generation, failed sign-ins counted in the database, and usernames
stored normalised with a unique skeleton.

Existing usernames are normalised (NFKC, case-folded). Where two logins would then share
a username or look alike, the later one (by id) takes `<username>-<id>`: it still signs
in with its password under that name, which a coordinator can change.
"""

import functools
import unicodedata

# Django names a model's manager by its import path in the migration state.
import accounts.models
from confusable_homoglyphs import confusables
from django.db import migrations, models

MAX_LENGTH = 150

# accounts.usernames as it was when this migration was written, frozen here: a migration
# imports no application code.


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


def normalise_usernames(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    names: set[str] = set()
    keys: set[str] = set()
    renamed: dict[int, str] = {}
    for pk, old in User.objects.order_by("pk").values_list("pk", "username"):
        username = normalize(old)[:MAX_LENGTH]
        if username in names or skeleton(username) in keys:
            suffix = f"-{pk}"
            username = f"{username[: MAX_LENGTH - len(suffix)]}{suffix}"
        names.add(username)
        keys.add(skeleton(username))
        if username != old:
            renamed[pk] = username
        else:
            User.objects.filter(pk=pk).update(username_key=skeleton(username))
    # Out of the way first (a space is in no username), so that no new name meets an old one.
    for pk in renamed:
        User.objects.filter(pk=pk).update(username=f" {pk}")
    for pk, username in renamed.items():
        User.objects.filter(pk=pk).update(username=username, username_key=skeleton(username))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_partner_centre_user_provider_user_trainer_and_more"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[("objects", accounts.models.LoginManager())],
        ),
        migrations.AddField(
            model_name="user",
            name="token_generation",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="génération des jetons"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(
                default="", editable=False, max_length=150, verbose_name="forme de comparaison"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(normalise_usernames, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="user",
            name="username_key",
            field=models.CharField(
                editable=False, max_length=150, unique=True, verbose_name="forme de comparaison"
            ),
        ),
        migrations.CreateModel(
            name="SignInFailure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64, unique=True)),
                ("count", models.PositiveIntegerField()),
                (
                    "window_ends",
                    models.BigIntegerField(help_text="Unix time when the count starts anew."),
                ),
            ],
            options={
                "verbose_name": "échecs de connexion",
                "verbose_name_plural": "échecs de connexion",
            },
        ),
    ]
