"""Single sign-on rules: providers from [auth], identities from claims (pure)."""

import pytest

from arrowhead.accounts import MAX_DISPLAY_NAME, USERNAME
from arrowhead.sso import (
    DEFAULT_LABEL,
    DEFAULT_PROVIDER,
    NO_NAME,
    candidate_usernames,
    identity_from_claims,
    provider_answers,
    providers_in,
)

ISSUER = "https://id.example.com"
PROVIDER_KEYS = {
    "client_id": "arrowhead",
    "client_secret": "s",
    "server_metadata_url": ISSUER + "/.well-known/openid-configuration",
}


@pytest.mark.parametrize(
    ("claims", "display_name", "username"),
    [
        (
            {"name": "Ana Costa", "preferred_username": "acosta", "email": "ana@x.com"},
            "Ana Costa",
            "acosta",
        ),
        ({"preferred_username": "acosta", "email": "ana@x.com"}, "acosta", "acosta"),
        ({"email": "ana.costa@x.com"}, "ana.costa", "ana.costa"),
        ({"name": "Ana Costa"}, "Ana Costa", "ana-costa"),
        ({}, NO_NAME, "s-1"),
        ({"name": "  Ana \t Costa  "}, "Ana Costa", "ana-costa"),
        # A bidirectional override is dropped, as the sign-up form would refuse it.
        ({"name": "Ana\u202e Costa"}, "Ana Costa", "ana-costa"),
        ({"name": "Łukasz Nowak"}, "Łukasz Nowak", "ukasz-nowak"),
        ({"name": "张伟"}, "张伟", "user"),
        ({"name": "Al", "email": "al@x.com"}, "Al", "user-al"),
        ({"name": "x" * 200}, "x" * MAX_DISPLAY_NAME, "x" * 28),
        ({"name": "", "preferred_username": "   ", "email": "bo@x.com"}, "bo", "user-bo"),
    ],
)
def test_identity_names_and_username_base(claims, display_name, username):
    identity = identity_from_claims({"sub": "s-1", "iss": ISSUER, **claims}, "acme")
    assert identity is not None
    assert identity.display_name == display_name
    assert identity.username_base == username
    assert USERNAME.match(identity.username_base)
    assert (identity.issuer, identity.subject) == (ISSUER, "s-1")


def test_no_subject_is_no_identity_and_no_issuer_falls_back_to_the_provider_name():
    assert identity_from_claims({"iss": ISSUER, "name": "Ana"}, "acme") is None
    assert identity_from_claims({"sub": "  ", "name": "Ana"}, "acme") is None
    identity = identity_from_claims({"sub": "s-1"}, "acme")
    assert identity is not None and identity.issuer == "acme"


def test_candidate_usernames_stay_valid_and_end_with_a_number():
    candidates = list(candidate_usernames("x" * 28))
    assert candidates[:3] == ["x" * 28, "x" * 28 + "-2", "x" * 28 + "-3"]
    assert all(USERNAME.match(c) for c in candidates)
    assert len(set(candidates)) == len(candidates) == 999


def test_providers_from_the_auth_section():
    assert providers_in(None) == ()
    assert providers_in({"redirect_uri": "x", "cookie_secret": "y"}) == ()
    named = providers_in(
        {
            "redirect_uri": "x",
            "cookie_secret": "y",
            "expose_tokens": "id",
            "Okta": PROVIDER_KEYS,
            "half": {"client_id": "only"},
            "Entra": {**PROVIDER_KEYS, "client_kwargs": {"prompt": "login"}},
        }
    )
    assert [(p.name, p.label) for p in named] == [("Okta", "Okta"), ("Entra", "Entra")]
    default = providers_in({"redirect_uri": "x", "cookie_secret": "y", **PROVIDER_KEYS})
    assert [(p.name, p.label, p.metadata_url) for p in default] == [
        (DEFAULT_PROVIDER, DEFAULT_LABEL, PROVIDER_KEYS["server_metadata_url"])
    ]


def test_a_provider_nobody_answers_for_is_not_answering(tmp_path):
    # A closed port on loopback refuses at once; a file that is not a discovery document fails too.
    assert not provider_answers("http://127.0.0.1:9/.well-known/openid-configuration", 1)
    not_json = tmp_path / "page.html"
    not_json.write_text("<html>maintenance</html>")
    assert not provider_answers(not_json.as_uri(), 1)
    document = tmp_path / "openid-configuration"
    document.write_text('{"authorization_endpoint": "https://id.example.com/authorize"}')
    assert provider_answers(document.as_uri(), 1)
