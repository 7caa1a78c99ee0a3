"""models.toml: the packaged chain, the user override, validation, and region → profile id."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiprism_desktop.app.memory_ports import MemoryHealth
from aiprism_desktop.commands.models_cmd import format_models
from aiprism_desktop.core.errors import ConfigError
from aiprism_desktop.providers.bedrock.chain.chain import ChainSettings, ModelChain
from aiprism_desktop.providers.bedrock.chain.profiles import (
    ModelNotInRegionError,
    ModelProfile,
    global_routing_default,
    load_model_chain,
    packaged_models_file,
    profile_id,
    resolve_model_id,
)
from aiprism_desktop.providers.bedrock.chain.report import describe_chain
from tests.support.chain_helpers import FakeTime, profile

CHAIN = {p.key: p for p in load_model_chain(None)}


def test_packaged_chain_has_seven_current_models_in_order() -> None:
    assert list(CHAIN) == [
        "sonnet-4-5",
        "opus-4-5",
        "haiku-4-5",
        "sonnet-4-6",
        "opus-4-6",
        "sonnet-5",
        "opus-4-1",
    ]
    assert CHAIN["sonnet-4-5"].base_id == "anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert CHAIN["opus-4-6"].max_output_tokens == 128_000
    assert CHAIN["opus-4-1"].eol_date == "2027-01-08"
    assert CHAIN["opus-4-1"].lifecycle == "active"
    assert CHAIN["sonnet-5"].sampling == ()  # refuses non-default sampling parameters
    assert CHAIN["sonnet-5"].tokenizer_factor == 1.3
    native = {k for k, p in CHAIN.items() if p.json_mode == "output_config"}
    assert native == {"sonnet-4-5", "opus-4-5", "haiku-4-5", "opus-4-6"}
    for p in CHAIN.values():
        assert "top_p" not in p.sampling  # never temperature together with top_p
        assert p.default_max_tokens < p.max_output_tokens
        assert p.requires_profile


def test_user_copy_replaces_the_packaged_chain(tmp_path: Path) -> None:
    text = packaged_models_file().read_text(encoding="utf-8")
    first_two = text.split("[[model]]")[:3]
    (tmp_path / "models.toml").write_text("[[model]]".join(first_two), encoding="utf-8")
    assert [p.key for p in load_model_chain(tmp_path)] == ["sonnet-4-5", "opus-4-5"]
    assert len(load_model_chain(tmp_path / "elsewhere")) == 7  # no copy there: packaged


VALID_ENTRY = """
[[model]]
key = "m"
display_name = "M"
base_id = "anthropic.m-v1:0"
profile_prefixes = ["us"]
context_window = 200000
max_output_tokens = 64000
default_max_tokens = 8192
sampling = ["temperature"]
json_mode = "tool_forced"
"""


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            ("max_output_tokens = 64000", 'max_output_tokens = "lots"'),
            "model[0] (m).max_output_tokens",
        ),
        (('json_mode = "tool_forced"', 'json_mode = "xml"'), "model[0] (m).json_mode"),
        (('sampling = ["temperature"]', 'sampling = ["top_k"]'), "model[0] (m).sampling"),
        (("default_max_tokens = 8192", "default_max_tokens = 99999"), "default_max_tokens"),
        (('key = "m"', 'key = "m"\nfavourite = true'), "favourite"),
        (('profile_prefixes = ["us"]', "profile_prefixes = []"), "profile_prefixes is empty"),
        (('key = "m"', 'key = "m"\neol_date = "soon"'), "eol_date"),
        (("[[model]]", "[[model]"), "not valid TOML"),
    ],
)
def test_invalid_file_names_the_file_and_field(
    tmp_path: Path, change: tuple[str, str], words: str
) -> None:
    path = tmp_path / "models.toml"
    path.write_text(VALID_ENTRY.replace(*change, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_model_chain(tmp_path)
    assert str(path) in caught.value.message
    assert words in caught.value.message


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    (tmp_path / "models.toml").write_text(VALID_ENTRY * 2, encoding="utf-8")
    with pytest.raises(ConfigError, match="used twice"):
        load_model_chain(tmp_path)


def test_a_valid_minimal_file_loads_with_defaults(tmp_path: Path) -> None:
    (tmp_path / "models.toml").write_text(VALID_ENTRY, encoding="utf-8")
    (loaded,) = load_model_chain(tmp_path)
    assert loaded == ModelProfile(
        "m", "M", "anthropic.m-v1:0", ("us",), 200000, 64000, 8192, ("temperature",), "tool_forced"
    )


@pytest.mark.parametrize(
    ("key", "region", "prefix"),
    [
        ("sonnet-4-5", "us-east-1", "us"),
        ("sonnet-4-5", "us-west-2", "us"),
        ("sonnet-4-5", "ca-central-1", "us"),
        ("sonnet-4-5", "eu-west-1", "eu"),
        ("haiku-4-5", "ap-southeast-1", "apac"),
        ("haiku-4-5", "ap-northeast-1", "jp"),
        ("sonnet-4-5", "ap-northeast-1", "jp"),
        ("sonnet-4-5", "ap-southeast-2", "au"),
        ("haiku-4-5", "ap-southeast-4", "au"),
        ("sonnet-4-5", "us-gov-west-1", "us-gov"),
        ("sonnet-4-5", "sa-east-1", "global"),
        ("haiku-4-5", "me-central-1", "global"),
    ],
)
def test_region_picks_the_profile_prefix(key: str, region: str, prefix: str) -> None:
    model = CHAIN[key]
    assert resolve_model_id(model, region) == f"{prefix}.{model.base_id}"


@pytest.mark.parametrize(
    ("key", "region"), [("opus-4-1", "ap-south-1"), ("opus-4-5", "us-gov-west-1")]
)
def test_no_matching_profile_is_a_clear_error(key: str, region: str) -> None:
    with pytest.raises(ModelNotInRegionError, match=f"not offered in {region}"):
        resolve_model_id(CHAIN[key], region)


GEO_WITHOUT_PROFILE = [
    ("sonnet-4-6", "eu-central-1"),  # us. and global. only
    ("sonnet-4-5", "ap-southeast-1"),  # no apac. profile
    ("opus-4-5", "ap-northeast-1"),  # no jp./apac. profile
]


@pytest.mark.parametrize(("key", "region"), GEO_WITHOUT_PROFILE)
def test_geo_region_never_falls_back_to_global_by_default(key: str, region: str) -> None:
    """Data residency: a region with its own geography keeps documents in it by default."""
    with pytest.raises(ModelNotInRegionError, match=f"not offered in {region} without global"):
        resolve_model_id(CHAIN[key], region)
    assert profile_id(CHAIN[key], region) is None


@pytest.mark.parametrize(("key", "region"), GEO_WITHOUT_PROFILE)
def test_global_profile_is_used_when_global_routing_is_allowed(key: str, region: str) -> None:
    model = CHAIN[key]
    assert resolve_model_id(model, region, allow_global=True) == f"global.{model.base_id}"


def test_geo_profile_still_wins_when_global_routing_is_allowed() -> None:
    model = CHAIN["sonnet-4-5"]
    assert resolve_model_id(model, "eu-west-1", allow_global=True) == f"eu.{model.base_id}"


def test_global_routing_default_depends_on_the_region_having_a_geography() -> None:
    assert not global_routing_default("eu-west-1")
    assert not global_routing_default("us-east-1")
    assert global_routing_default("sa-east-1")
    assert global_routing_default("me-central-1")


def test_govcloud_never_routes_globally() -> None:
    model = CHAIN["sonnet-4-6"]
    with pytest.raises(ModelNotInRegionError) as caught:
        resolve_model_id(model, "us-gov-west-1", allow_global=True)
    assert "without global routing" not in caught.value.message


async def test_models_listing_says_why_a_model_is_skipped_in_a_geo_region() -> None:
    clock = FakeTime(now=1_800_000_000.0)
    chain = ModelChain(tuple(CHAIN.values()), "eu-west-1", MemoryHealth(), timing=clock.timing())
    rows = {row.key: row for row in await describe_chain(chain)}
    assert rows["sonnet-4-6"].model_id == ""
    assert rows["sonnet-4-6"].state.state == "not_offered"
    assert rows["sonnet-4-6"].state.detail == "not offered in eu-west-1 without global routing"
    allowed = ModelChain(
        tuple(CHAIN.values()),
        "eu-west-1",
        MemoryHealth(),
        settings=ChainSettings(allow_global_profiles=True),
        timing=clock.timing(),
    )
    rows = {row.key: row for row in await describe_chain(allowed)}
    assert rows["sonnet-4-6"].model_id == f"global.{CHAIN['sonnet-4-6'].base_id}"
    assert rows["sonnet-4-6"].state.state == "ready"


def test_on_demand_model_uses_the_bare_id() -> None:
    assert resolve_model_id(profile("x", requires_profile=False), "eu-west-1") == "anthropic.x"


async def test_describe_chain_lists_every_model_with_id_and_state() -> None:
    clock = FakeTime(now=1_800_000_000.0)  # 2027-01-15: Opus 4.1 is past its end of life
    health = MemoryHealth()
    chain = ModelChain(tuple(CHAIN.values()), "eu-west-1", health, timing=clock.timing())
    await chain.tracker.cool_down("opus-4-5", clock.now + 600, "throttled")
    await chain.disable_model("haiku-4-5", "no access to this model")
    rows = await describe_chain(chain)
    by_key = {row.key: row for row in rows}
    assert by_key["sonnet-4-5"].model_id == f"eu.{CHAIN['sonnet-4-5'].base_id}"
    assert by_key["sonnet-4-5"].state.state == "ready"
    assert by_key["opus-4-5"].state.state == "cooling_down"
    assert by_key["opus-4-5"].state.until == "2027-01-15T08:10:00+00:00"
    assert by_key["haiku-4-5"].state.detail == "no access to this model"
    assert by_key["opus-4-1"].state.detail == "disabled (end of life since 2027-01-08)"
    text = format_models(rows)
    assert "cooling down until 2027-01-15T08:10:00+00:00 (throttled)" in text
    assert "disabled: no access to this model" in text
    assert text.count("\n") == 13  # two lines per model
