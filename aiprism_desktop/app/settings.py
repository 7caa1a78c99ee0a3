"""Declarative application settings (non-secret), persisted in the store's settings table.

Each setting is declared once with its default, type, label and help (vorta's habit): the CLI's
``aiprism config`` and the GUI's settings dialog are generated from this registry. Secrets are
never settings; they live in the OS keyring (``secrets/``).
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from aiprism_desktop.aws.settings import AwsSettings
from aiprism_desktop.core.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its key, default, type, and how to present it."""

    key: str
    default: Any
    type: type
    label: str
    help: str
    choices: tuple[str, ...] = ()
    minimum: int = 0  # for whole numbers


_AWS_DEFAULTS = AwsSettings()

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "review.provider",
        "offline",
        str,
        "Reviewer",
        "Who reviews: offline rules, Claude on Bedrock, or the team backend.",
        choices=("offline", "bedrock", "backend"),
    ),
    Setting(
        "backend.url",
        "",
        str,
        "Team backend URL",
        "Where the team backend answers, e.g. https://aiprism.example.com (the token is kept in "
        "the OS keyring: `aiprism credentials set-backend-token`).",
    ),
    Setting("review.framework", "hawkeye", str, "Framework", "Checklist framework id."),
    Setting(
        "review.concurrency",
        8,
        int,
        "Parallel model calls",
        "At most this many model calls at once (Bedrock lowers it by itself when throttled).",
        minimum=1,
    ),
    Setting(
        "review.reviewer_name",
        "",
        str,
        "Your name",
        "Author of your decisions and comments (default: your login name).",
    ),
    Setting(
        "ui.theme",
        "system",
        str,
        "Theme",
        "Light or dark window colours; system follows the operating system.",
        choices=("system", "light", "dark"),
    ),
    Setting(
        "bedrock.global_routing",
        "auto",
        str,
        "Global inference profiles",
        "May requests go to a global. profile, i.e. any commercial region? auto: only where the "
        "region has no geographic profile of its own (keeps EU documents in the EU); yes; no.",
        choices=("auto", "yes", "no"),
    ),
    Setting(
        "aws.auth_method",
        _AWS_DEFAULTS.auth_method.value,
        str,
        "AWS sign-in",
        "default_chain (environment, AWS_PROFILE, SSO, role), keys or api_key (saved in the "
        "OS keyring), or profile.",
        choices=("default_chain", "keys", "profile", "api_key"),
    ),
    Setting("aws.profile_name", "", str, "AWS profile", "Named profile from ~/.aws/config."),
    Setting("aws.region", "", str, "AWS region", "Empty: AWS_REGION or the profile's region."),
    Setting("aws.s3_bucket", "", str, "S3 bucket", "Bucket for exporting reviewed documents."),
    Setting("aws.s3_prefix", _AWS_DEFAULTS.s3_prefix, str, "S3 prefix", "Key prefix for exports."),
    Setting(
        "aws.s3_sse",
        _AWS_DEFAULTS.s3_sse.value,
        str,
        "S3 encryption",
        "Server-side encryption of exported objects.",
        choices=("AES256", "aws:kms"),
    ),
    Setting("aws.s3_kms_key_id", "", str, "KMS key", "KMS key id for aws:kms encryption."),
)
_BY_KEY = {s.key: s for s in SETTINGS}


class SettingsBackend(Protocol):
    """Where settings are kept (the store implements it)."""

    async def get_setting(self, key: str, default: Any = None) -> Any: ...

    async def set_setting(self, key: str, value: Any) -> None: ...

    async def all_settings(self) -> dict[str, Any]: ...


def declared(key: str) -> Setting:
    """The declaration of a setting; ConfigError naming the known keys when there is none."""
    try:
        return _BY_KEY[key]
    except KeyError:
        known = ", ".join(_BY_KEY)
        raise ConfigError(f"Unknown setting '{key}'. Known settings: {known}.") from None


def parse_value(key: str, raw: str) -> Any:
    """Convert a value typed by the user to the setting's type, checking choices."""
    setting = declared(key)
    if setting.type is int:
        try:
            return check_value(key, int(raw))
        except ValueError:
            raise ConfigError(f"{setting.label} must be a whole number.") from None
    return check_value(key, raw)


def check_value(key: str, value: Any) -> Any:
    """``value`` when it has the setting's type and is one of its choices; ConfigError if not."""
    setting = declared(key)
    if setting.type is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{setting.label} must be a whole number.")
    if setting.type is int and value < setting.minimum:
        raise ConfigError(f"{setting.label} must be at least {setting.minimum}.")
    if setting.type is str and not isinstance(value, str):
        raise ConfigError(f"{setting.label} must be text.")
    if setting.choices and value not in setting.choices:
        raise ConfigError(f"{setting.label}: choose one of {', '.join(setting.choices)}.")
    return value


@dataclass(frozen=True, slots=True)
class AppSettings:
    """A snapshot of every setting (stored values over defaults)."""

    values: Mapping[str, Any]

    @classmethod
    async def load(cls, backend: SettingsBackend) -> AppSettings:
        stored = await backend.all_settings()
        values = {s.key: stored.get(s.key, s.default) for s in SETTINGS}
        return cls(values)

    def __getitem__(self, key: str) -> Any:
        return self.values[declared(key).key]

    def with_values(self, changes: Mapping[str, Any]) -> AppSettings:
        """A snapshot with some values replaced."""
        return AppSettings({**self.values, **changes})

    @property
    def reviewer_name(self) -> str:
        """The name recorded on decisions and the reviewer's own comments."""
        name = str(self["review.reviewer_name"]).strip()
        if name:
            return name
        try:
            return getpass.getuser()
        except (KeyError, OSError):  # no login name (containers)
            return "Reviewer"

    @property
    def allow_global_profiles(self) -> bool | None:
        """The data-residency choice for the Bedrock chain (None = decide by region)."""
        return {"yes": True, "no": False}.get(str(self["bedrock.global_routing"]))

    def aws(self, **overrides: Any) -> AwsSettings:
        """The AWS settings, validated (ConfigError on a bad region, bucket, ...)."""
        data = {
            key.removeprefix("aws."): value
            for key, value in self.values.items()
            if key.startswith("aws.") and value not in ("", None)
        }
        data.update({k: v for k, v in overrides.items() if v is not None})
        return AwsSettings.from_dict(data)
