"""Scenario insight's 'add to a workshop deck': a flagged scenario goes to a deck for the room.

Kept out of the page script so the page reads as the screen it draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from sqlite_utils import Database

from arrowhead.accounts import User
from arrowhead.store import workshops as workshop_store
from arrowhead.ui import components
from arrowhead.workshops import MAX_DECK_NAME, DeckEntry, WorkshopError, can_facilitate

NEW_DECK = 0
"""The deck picker's entry for a new deck: no deck has id 0."""


def add_to_deck(
    db: Database, user: User, entry: DeckEntry, decks: Sequence[workshop_store.Deck]
) -> None:
    """Pick one of the decks the user may add to, or name a new one, and add the scenario."""
    key = f"{entry.quiz_id}__{entry.scenario_id}"
    pick_key, name_key = f"insight_deck_{key}", f"insight_deck_name_{key}"
    added = st.session_state.pop(f"insight_deck_added_{key}", None)
    if added is not None:
        # The deck just made is the one picked now; set before the picker is drawn.
        st.session_state[pick_key] = added
    choices = {d.id: d.name for d in decks}
    choices[NEW_DECK] = "A new deck"
    with st.expander("Add to a workshop deck"):
        if added is not None:
            st.success(
                "Added. "
                + (
                    "Start a workshop from it under Workshop decks."
                    if can_facilitate(user)
                    else "Facilitators see the deck under Workshop decks and run it with the room."
                )
            )
        # Deck names are typed by people: a selectbox shows them as plain text.
        picked = st.selectbox("Deck", list(choices), format_func=choices.__getitem__, key=pick_key)
        name = ""
        if picked == NEW_DECK:
            name = st.text_input(
                f"Name of the new deck (up to {MAX_DECK_NAME} characters)", key=name_key
            )
        if st.button("Add this scenario", key=f"insight_deck_add_{key}"):
            try:
                deck = workshop_store.add_to_deck(
                    db,
                    user,
                    entry,
                    components.now(),
                    deck_id=None if picked == NEW_DECK else picked,
                    new_name=name,
                )
            except WorkshopError as err:
                st.error(str(err))
            else:
                st.session_state[f"insight_deck_added_{key}"] = deck.id
                st.rerun()
