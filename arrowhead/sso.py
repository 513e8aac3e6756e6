"""Single sign-on: the providers in the [auth] secrets, and an Arrowhead identity from a
provider's claims (pure, apart from provider_answers, which asks the provider over HTTP)."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from arrowhead.accounts import MAX_DISPLAY_NAME, MAX_USERNAME, MIN_USERNAME, has_control_characters

# Keys Streamlit's st.login reads from a provider's section; a section holding them is a provider.
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
DEFAULT_PROVIDER = "default"
"""st.login's name for the provider whose settings sit in [auth] itself."""
DEFAULT_LABEL = "your company account"
"""What the button names when the provider has no section name of its own."""
NO_NAME = "Learner"
"""The display name when the provider sends no name, username or e-mail."""


@dataclass(frozen=True)
class Provider:
    """An OpenID Connect provider configured for st.login."""

    name: str
    """The [auth.<name>] section's name, as st.login takes it; DEFAULT_PROVIDER for [auth] itself."""
    label: str
    """What the sign-in button names: "Sign in with <label>"."""
    metadata_url: str
    """The provider's discovery document (server_metadata_url)."""


def providers_in(auth: Mapping[str, object] | None) -> tuple[Provider, ...]:
    """The providers an [auth] secrets section configures, in the file's order."""
    if not auth:
        return ()
    found = []
    if all(key in auth for key in _PROVIDER_KEYS):
        found.append(Provider(DEFAULT_PROVIDER, DEFAULT_LABEL, str(auth["server_metadata_url"])))
    for name, section in auth.items():
        if isinstance(section, Mapping) and all(key in section for key in _PROVIDER_KEYS):
            found.append(Provider(name, name, str(section["server_metadata_url"])))
    return tuple(found)


def provider_answers(metadata_url: str, timeout: float = 3.0) -> bool:
    """Whether the provider serves its discovery document now; asked before sending anyone
    there, so a provider that is down gets a sentence here instead of an error page."""
    try:
        with urllib.request.urlopen(metadata_url, timeout=timeout) as response:  # noqa: S310
            document = json.load(response)
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and "authorization_endpoint" in document


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in, as Arrowhead keys and names them."""

    issuer: str
    """The provider's `iss` claim: subjects are unique only within their issuer.
    Stored in users.auth_provider."""
    subject: str
    """The provider's `sub` claim, its stable id for the person. Stored in users.external_id."""
    display_name: str
    """name, else preferred_username, else the e-mail's local part; cleaned like a typed name."""
    username_base: str
    """The start of a username for a new account; made unique when the account is created."""


def identity_from_claims(claims: Mapping[str, object], provider: str) -> Identity | None:
    """The identity in an OpenID Connect provider's claims; None without a subject."""
    subject = _claim(claims, "sub")
    if subject is None:
        return None
    issuer = _claim(claims, "iss") or provider
    email = _claim(claims, "email")
    local_part = email.split("@")[0] if email else None
    name = _claim(claims, "name")
    preferred = _claim(claims, "preferred_username")
    display = _display_name(name) or _display_name(preferred) or _display_name(local_part)
    return Identity(
        issuer=issuer,
        subject=subject,
        display_name=display or NO_NAME,
        username_base=_username_base(preferred or local_part or name or subject),
    )


def _claim(claims: Mapping[str, object], key: str) -> str | None:
    value = claims.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _display_name(text: str | None) -> str | None:
    """The text as a display name: control characters dropped, spaces collapsed, cut to length."""
    if text is None:
        return None
    kept = "".join(c for c in text if not has_control_characters(c))
    cleaned = " ".join(kept.split())[:MAX_DISPLAY_NAME].strip()
    # Cutting can leave a joiner at the end, and a joiner alone is refused.
    return cleaned if cleaned and not has_control_characters(cleaned) else None


_NOT_IN_USERNAME = re.compile(r"[^A-Za-z0-9._-]+")
SUFFIX_ROOM = 4
"""Characters kept free at the end of a base for "-2" … "-999"."""
MAX_SUFFIX = 999


def _username_base(text: str) -> str:
    """Letters, digits, dots, hyphens and underscores of text, starting with a letter or digit."""
    base = _NOT_IN_USERNAME.sub("-", text.strip().lower()).strip("._-")
    base = base[: MAX_USERNAME - SUFFIX_ROOM].rstrip("._-")
    return base if len(base) >= MIN_USERNAME else f"user-{base}".rstrip("-")


def candidate_usernames(base: str) -> Iterator[str]:
    """Usernames to try for a new single sign-on account: the base, then base-2, base-3 …"""
    yield base
    for number in range(2, MAX_SUFFIX + 1):
        yield f"{base}-{number}"
