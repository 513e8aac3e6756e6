"""Workshop decks: pick scenarios from any quiz and role-plays, order them, save the deck,
start a live workshop."""

import streamlit as st

from arrowhead.store import workshops as store
from arrowhead.ui import components
from arrowhead.ui import workshop_parts as parts
from arrowhead.workshops import DeckEntry, DeckItem, RoleplayEntry, WorkshopError

# The id of the deck being edited, 0 for a new one; absent when only listing.
EDITING_KEY = "deck_editing"
ENTRIES_KEY = "deck_entries"
NAME_KEY = "deck_name"

user = parts.require_facilitator()
db = components.database()
course = components.course()
quiz_titles = {q.id: q.title for q in course.quizzes}
roleplay_titles = {r.id: r.title for r in course.roleplays}


def entry_label(entry: DeckItem) -> str | None:
    """An entry as 'Quiz — Scenario' or 'Role-play — Title', or None if it has left the course."""
    if isinstance(entry, RoleplayEntry):
        roleplay = parts.roleplay_at(course, entry)
        return f"Role-play — {roleplay.title}" if roleplay else None
    scenario = parts.scenario_at(course, entry)
    return f"{quiz_titles[entry.quiz_id]} — {scenario.title}" if scenario else None


def missing_label(entry: DeckItem) -> str:
    """What an entry that has left the course was, by its ids."""
    if isinstance(entry, RoleplayEntry):
        return f"role-play {entry.roleplay_id}"
    return f"{entry.quiz_id} / {entry.scenario_id}"


def counted(entries: tuple[DeckItem, ...]) -> str:
    """'5 scenarios', or '4 scenarios · 1 role-play' when the deck holds role-plays."""
    plays = sum(isinstance(e, RoleplayEntry) for e in entries)
    text = f"{len(entries) - plays} scenarios"
    return text + (f" · {plays} role-play{'' if plays == 1 else 's'}" if plays else "")


def edit(deck: store.Deck | None) -> None:
    """Open the editor on a deck, or on a new one."""
    st.session_state[EDITING_KEY] = deck.id if deck else 0
    st.session_state[ENTRIES_KEY] = list(deck.entries) if deck else []
    st.session_state[NAME_KEY] = deck.name if deck else ""


def move(index: int, step: int) -> None:
    """Move an entry up (-1) or down (+1)."""
    entries = st.session_state[ENTRIES_KEY]
    target = index + step
    if 0 <= target < len(entries):
        entries[index], entries[target] = entries[target], entries[index]


def remove(index: int) -> None:
    """Take an entry out of the deck."""
    del st.session_state[ENTRIES_KEY][index]


def add(entries: list[DeckItem]) -> None:
    """Add scenarios or role-plays at the end, skipping any already in the deck."""
    held = st.session_state[ENTRIES_KEY]
    held.extend(e for e in entries if e not in held)


def add_picked() -> None:
    """Add the scenarios picked in the multiselect."""
    add([DeckEntry(*value.split("/", 1)) for value in st.session_state.get("deck_add", [])])
    st.session_state["deck_add"] = []


def add_quiz() -> None:
    """Add every scenario of the chosen quiz, in the quiz's order."""
    quiz = course.quiz(st.session_state.get("deck_add_quiz") or "")
    if quiz is not None:
        add([DeckEntry(quiz.id, s.id) for s in quiz.scenarios])


def add_roleplay() -> None:
    """Add the chosen role-play: the room plays it through step by step."""
    roleplay = course.roleplay(st.session_state.get("deck_add_roleplay") or "")
    if roleplay is not None:
        add([RoleplayEntry(roleplay.id)])


st.title("Workshop decks", anchor=False)
st.caption(
    "A deck is an ordered set of scenarios and role-plays for a live workshop. "
    "Facilitators share their decks."
)

if EDITING_KEY not in st.session_state:
    st.button("New deck", key="deck_new", type="primary", on_click=edit, args=(None,))
    decks = store.decks(db, user)
    if not decks:
        st.info("No decks yet. Make one to run a workshop.")
    for deck in decks:
        with st.container(border=True):
            # A name a facilitator typed: plain text.
            st.text(deck.name)
            missing = sum(entry_label(e) is None for e in deck.entries)
            note = f" · {missing} no longer in the course" if missing else ""
            st.caption(f"{counted(deck.entries)}{note}")
            start, change, drop = st.columns([2, 1, 1])
            if start.button("Start a live workshop", key=f"deck_start_{deck.id}", type="primary"):
                try:
                    started = store.start_workshop(db, user, deck.id, components.now())
                except WorkshopError as err:
                    st.error(str(err))
                else:
                    st.switch_page(
                        parts.FACILITATE_PAGE, query_params={"workshop": str(started.id)}
                    )
            change.button("Edit", key=f"deck_edit_{deck.id}", on_click=edit, args=(deck,))
            if drop.button("Delete", key=f"deck_delete_{deck.id}"):
                store.delete_deck(db, user, deck.id)
                st.rerun()
    st.stop()

editing = st.session_state[EDITING_KEY]
entries: list[DeckItem] = st.session_state[ENTRIES_KEY]
st.subheader("Edit the deck" if editing else "New deck", anchor=False)
st.text_input("Deck name", key=NAME_KEY, max_chars=60)
st.markdown("**Scenarios and role-plays, in the order they will be shown**")
if not entries:
    st.caption("None yet: add some below.")
for index, entry in enumerate(entries):
    label, up, down, out = st.columns([8, 1, 1, 1], vertical_alignment="center")
    text = entry_label(entry)
    if text is None:
        label.text(f"{index + 1}. No longer in the course ({missing_label(entry)})")
    else:
        label.markdown(f"{index + 1}. {text}")
    up.button("↑", key=f"deck_up_{index}", on_click=move, args=(index, -1), disabled=index == 0)
    down.button(
        "↓",
        key=f"deck_down_{index}",
        on_click=move,
        args=(index, 1),
        disabled=index == len(entries) - 1,
    )
    out.button("✕", key=f"deck_remove_{index}", on_click=remove, args=(index,))

choices = {
    f"{q.id}/{s.id}": f"{q.title} — {s.title}"
    for q in course.quizzes
    for s in q.scenarios
    if DeckEntry(q.id, s.id) not in entries
}
st.multiselect(
    "Add scenarios", options=list(choices), format_func=choices.__getitem__, key="deck_add"
)
st.button("Add these scenarios", key="deck_add_button", on_click=add_picked)
st.selectbox(
    "Or add a whole quiz",
    options=list(quiz_titles),
    format_func=quiz_titles.__getitem__,
    index=None,
    key="deck_add_quiz",
)
st.button("Add the whole quiz", key="deck_add_quiz_button", on_click=add_quiz)
if roleplay_titles:
    # A role-play is played live: the room votes at each step, the facilitator follows
    # the room or overrides it, and the projector shows where the choice led.
    st.selectbox(
        "Add a role-play",
        options=[r for r in roleplay_titles if RoleplayEntry(r) not in entries],
        format_func=roleplay_titles.__getitem__,
        index=None,
        key="deck_add_roleplay",
    )
    st.button("Add the role-play", key="deck_add_roleplay_button", on_click=add_roleplay)

save, cancel = st.columns(2)
if save.button("Save the deck", key="deck_save", type="primary"):
    try:
        store.save_deck(
            db,
            user,
            st.session_state[NAME_KEY],
            entries,
            components.now(),
            deck_id=editing or None,
        )
    except WorkshopError as err:
        st.error(str(err))
    else:
        for key in (EDITING_KEY, ENTRIES_KEY, NAME_KEY):
            st.session_state.pop(key, None)
        st.rerun()
if cancel.button("Cancel", key="deck_cancel"):
    for key in (EDITING_KEY, ENTRIES_KEY, NAME_KEY):
        st.session_state.pop(key, None)
    st.rerun()
