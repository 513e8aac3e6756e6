"""Every threshold and word list of the item-writing lint and the blind solver, in one place.

`arrowhead check` reports a warning for each authoring rule below that a file breaks;
`arrowhead check --strict` fails on any of them. The numbers follow the authoring rules the
course writers work to: a learner who never read a module must do no better than chance.
Change a rule here, and its test in tests/test_itemlint.py or tests/test_blind.py.
"""

from __future__ import annotations

# ---------------------------------------------------------------- option length

BEST_TO_MEAN_LOW = 0.8
BEST_TO_MEAN_HIGH = 1.2
"""The best option's length in characters ÷ the mean length of the other options must lie
in [LOW, HIGH]: a right answer that is visibly longer (more careful, more qualified) or
shorter than the rest gives itself away."""

LONGEST_TO_SHORTEST_MAX = 1.5
"""Within a scenario the longest option ÷ the shortest, in characters: beyond this the odd
one out draws the eye whichever it is."""

BEST_LONGEST_SHARE_MAX = 1 / 3
"""In one quiz the best option may be the strictly longest in at most this share of the
scenarios (2 of 8): "pick the longest" must not pay."""

BEST_MOST_SENTENCES_SHARE_MAX = 1 / 3
"""Likewise for the best option having strictly the most sentences."""

# ---------------------------------------------------------------- cue words and features

CUE_MIN_BEST_OPTIONS = 4
"""A word or feature is a cue once it appears in at least this many best options…"""

CUE_RATE_RATIO = 2.5
"""…and its rate in best options (share of best options that have it) is at least this many
times its rate in the other options. A cue appearing in no other option has an infinite ratio."""

CUE_MAX_CHANCE = 0.05
"""…and it would be that often in best options with less than this probability if each
scenario's best option were one of its options at random. This keeps out chance: a topic word
that every option of one scenario uses is no cue, nor is a word seen in 4 best options and
4 others among two hundred options. The known cues below and the features are held to this
chance; any other word is one of hundreds tried at once, so the chance is shared among all
the words tried (divided by their number)."""

CUE_WORDS = (
    "imperative",
    "imperatives",
    "strategic",
    "joint",
    "jointly",
    "together",
    "partner",
    "partners",
    "then",
    "long-term",
    "relationship",
    "relationships",
)
"""Words known to mark the "right-sounding" answer in this course."""

CUE_FEATURES = {
    "brackets": r"[()\[\]]",
    "a digit": r"\d",
    "a colon": r":",
    "a semicolon": r";",
    "a spaced dash": r"\s[–—-]\s",
    "quotation marks": r"[\"“”]",
}
"""Features of an option's text counted like words: name → regular expression."""

CUE_IGNORED_WORDS = frozenset(
    "a an the and or to of in on at for with by as is are be it its this that you your".split()
)
"""Words so common that their rates say nothing (they still count towards other rules)."""

# ---------------------------------------------------------------- modules

LIMITS_HEADING = "does not apply"
"""Every module needs a Section whose heading contains this ("Where this does not apply"):
a model taught without its limits is applied where it fails (a commodity purchase, a
no-contact tender, a self-serve buyer)."""

# ---------------------------------------------------------------- titles and questions

GLOSSARY_TERMS = (
    "transactional",
    "traditional",
    "partnership",
    "pinned",
    "white knight",
    "white knights",
    "arrowhead",
    "strategic imperative",
    "strategic imperatives",
    "next generation",
    "critical thinking",
    "urgency",
    "innovation",
    "accountability",
    "commoditisation",
    "commoditization",
    "chief sales officer",
)
"""The course's own terms: in a title or question they name the diagnosis, so the question
answers itself. Whole words only, so plurals are listed; a space also matches a hyphen."""

EVALUATIVE_WORDS = (
    "healthy",
    "wrong",
    "right",
    "best",
    "mistake",
    "mistakes",
    "trap",
    "traps",
    "naive",
    "smart",
    "clever",
    "obvious",
    "problem",
    "problems",
    "failing",
    "risky",
    "bad",
    "good",
    "perfect",
)
"""Words that judge the situation in its title or question ("the healthy-looking renewal").
"good" does not match "goods"; "healthy" matches "healthy-looking"."""

FEEDBACK_MIN_WORDS = 12
"""Every option's feedback explains the consequence, not just right or wrong: at least this
many words."""

DISCUSSION_MIN, DISCUSSION_MAX = 1, 3
"""A scenario gives a facilitator this many `discussion` prompts."""

# ---------------------------------------------------------------- behaviours, styles, points

BEHAVIOUR_SHARE_LOW = 0.18
BEHAVIOUR_SHARE_HIGH = 0.32
"""Across the course each behaviour is the behaviour of this share of the tagged scenarios
(the scenario's `behaviour`, else the best option's): near a quarter each."""

FORBIDDEN_POINTS = (9,)
"""Points no option may have: 9 blurs "best" and "defensible alternative"."""

DEFENSIBLE_LOW, DEFENSIBLE_HIGH = 6, 8
"""A defensible alternative earns this many points…"""

DEFENSIBLE_SHARE_MIN = 0.5
"""…and at least this share of a quiz's scenarios have one."""

NON_PARTNERSHIP_BEST_MIN = 1
"""Each quiz has at least this many scenarios whose best option is not `partnership`:
a seller learns to diagnose, and some buyers really are transactional."""

TEMPTING_MAX_POINTS = 5
TEMPTING_SHARE_MIN = 0.3
"""Across the course at least TEMPTING_SHARE_MIN of the scenarios have a partnership-tagged
option worth at most TEMPTING_MAX_POINTS: partnership-sounding is not always right."""

# ---------------------------------------------------------------- modules

READING_WORDS_PER_MINUTE = 200
"""The reading speed `minutes` assumes: suggested minutes = round(words ÷ this), at least 1."""

READING_SPEED_LOW, READING_SPEED_HIGH = 150, 250
"""A module whose words ÷ minutes falls outside this range gets a warning."""

# ---------------------------------------------------------------- names

NOT_NAMES = frozenset(
    """
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April May June July August September October November December
    Simon Sinek Haladyna Downing Rodriguez Swanson
    Europe European Asia Africa America American Australia Australian Britain British
    English
    Dr Mr Mrs Ms Mx Sir Dame Prof
    Group Holdings Partners Company Corporation Limited Ltd Inc Trust Foundation Council
    District Authority Agency Board University College School Hospital Clinic Bank Mutual
    Insurance Health Healthcare Care Medical Pharma Systems Services Solutions Software
    Technologies Technology Tech Digital Data Networks Cloud Labs Logistics Freight Transport
    Shipping Ports Port Terminals Rail Air Airlines Mining Minerals Energy Power Water Utilities
    Foods Farms Dairy Retail Stores Manufacturing Engineering Industries Construction Building
    Society Credit Capital Finance Financial Payments Telecom Media Studios Hotels Travel
    North South East West Northern Southern Eastern Western Central
    """.split()
)
"""Capitalised words that are not names of the course's people and companies, so may recur
in several modules: days, months, the authors the course cites, continents, languages, titles,
and the generic words of company names ("Kestrel Freight", "Harbour Mutual")."""

# ---------------------------------------------------------------- blind solver

BLIND_MARGIN_OVER_CHANCE = 15
"""A surface strategy scoring more than this many percentage points above chance gets a
warning (as does one reaching the pass mark)."""

COURSE_VOCABULARY = (
    *GLOSSARY_TERMS,
    "strategic",
    "imperative",
    "c-suite",
    "peer",
    "ceo",
    "critical",
    "accountable",
    "innovate",
    "innovative",
    "start with why",
    "language leads",
    "behaviour",
    "organisation",
)
"""Words the blind "course vocabulary" strategy counts in each option."""

PARTNERSHIP_SOUNDING = (
    "strategic",
    "imperative",
    "joint",
    "jointly",
    "together",
    "partner",
    "long-term",
    "relationship",
    "executive",
    "board",
    "peer",
    "invite",
    "workshop",
    "vision",
    "future",
    "co-create",
    "shared",
    "both sides",
)
"""Words the blind "partnership-sounding" strategy counts in each option."""

STEP_WORDS = frozenset("and then also while before after plus".split())
"""Joining words the blind "does the most" strategy counts: the right answer is often the only
one that does two things at once."""

STOP_WORDS = frozenset(
    """
    a an the and or but to of in on at for with by from as is are was were be been being it its
    this that these those you your yours we our ours they their them he she his her him i me my
    not no do does did so if into over than then will would can could should may might must
    has have had what which who whom whose when where why how all any each some more most
    about up out there here just also only own same other such very too
    """.split()
)
"""Words left out when counting overlap between an option and its situation."""
