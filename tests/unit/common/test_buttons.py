"""core.common.buttons: signed inline-button data; forged or tampered presses are refused (SPEC §11)."""

from __future__ import annotations

import pytest

from core.common.buttons import sign, verify
from core.common.errors import UsageError

SECRET = "test-secret-0123456789abcdef"


def _refusal(data: str) -> str:
    """The error key verify() refuses data with."""
    with pytest.raises(UsageError) as err:
        verify(SECRET, data)
    return err.value.key


def test_sign_then_verify_returns_the_parts_as_strings() -> None:
    data = sign(SECRET, "pick", 42, 7)
    assert verify(SECRET, data) == ["pick", "42", "7"]


def test_signed_data_starts_with_the_readable_body() -> None:
    assert sign(SECRET, "pick", 42).startswith("pick:42:")


def test_signing_is_deterministic() -> None:
    assert sign(SECRET, "pick", 42) == sign(SECRET, "pick", 42)


def test_forged_signature_is_refused_as_bad_button() -> None:
    data = sign(SECRET, "pick", 42)
    forged = data[:-1] + ("0" if data[-1] != "0" else "1")  # same body, another signature
    with pytest.raises(UsageError) as err:
        verify(SECRET, forged)
    assert err.value.key == "errors.bad_button"


def test_tampered_body_is_refused() -> None:
    data = sign(SECRET, "pick", 42, 7)
    tampered = data.replace("pick:42:", "pick:43:", 1)
    assert tampered != data
    with pytest.raises(UsageError) as err:
        verify(SECRET, tampered)
    assert err.value.key == "errors.bad_button"


def test_data_signed_with_another_secret_is_refused() -> None:
    data = sign("another-secret", "pick", 42)
    assert _refusal(data) == "errors.bad_button"


def test_data_without_a_signature_is_refused() -> None:
    assert _refusal("pick") == "errors.bad_button"


def test_empty_data_is_refused() -> None:
    assert _refusal("") == "errors.bad_button"


def test_truncated_signature_is_refused() -> None:
    data = sign(SECRET, "pick", 42)
    assert _refusal(data[:-1]) == "errors.bad_button"


def test_data_of_exactly_64_bytes_is_allowed() -> None:
    # body + ":" + 10-character signature = 64 bytes
    data = sign(SECRET, "x" * 53)
    assert len(data.encode()) == 64
    assert verify(SECRET, data) == ["x" * 53]


def test_data_over_64_bytes_is_refused_when_signing() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        sign(SECRET, "x" * 54)


def test_limit_counts_bytes_not_characters() -> None:
    # 18 Chinese characters are 54 bytes in UTF-8: 65 bytes once signed, though only 29 characters.
    with pytest.raises(ValueError, match="64 bytes"):
        sign(SECRET, "项" * 18)
