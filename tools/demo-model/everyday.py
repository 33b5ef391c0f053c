"""Everyday requests, benign only, over a wide vocabulary (`train.py --everyday-acts/--everyday-writes`; tried after
v6 and lost, so off).

Why: the benign side of the other grammars is either topic-matched (the benign twin of a harmful act) or a short
list of chores (data.TASKS), so most words a model meets only in requests it was taught to refuse. Read on the
tuning sets, v6 refused plain requests whose words it had not seen in a benign request at all; an unseen word
leaned towards refusal. Here verbs x objects of everyday life (the twelve groups of SLOTS: cooking, health, home,
family, learning, events, money, travel, pets, tech, work, garden) give thousands of distinct requests, rendered in the same frames as the
harmful acts, so the frame says nothing and an unfamiliar word is not a harm cue by itself.

No harm words: every slot is ordinary. To keep the tuning and held-out sets a test of generalisation, a request is
dropped when it shares a two-word phrase of content words with any protected prompt (JBB, discovery, dev, dev2,
held-out), a stricter rule than the near-duplicate filter of data.py."""

import re

# (verbs, objects): every verb reads with every object of its group.
SLOTS = {
    "cooking": (
        ["cook", "make", "prepare", "bake", "put together", "improve my recipe for", "make a quick version of",
         "make a healthier version of", "make a big batch of", "plate up"],
        """lasagna|banana bread|a vegetable stir fry|chicken noodle soup|a lemon tart|granola bars|mushroom risotto
guacamole|a potato salad|french toast|a chocolate cake|beef tacos|a greek salad|pumpkin pie|garlic bread
a fruit salad|spaghetti carbonara|a veggie burger|apple crumble|tomato sauce|an omelette|falafel wraps
a caesar salad|cinnamon rolls|a shepherd's pie|fried rice|a smoothie bowl|oatmeal cookies|a pot roast
minestrone|a quiche|pad thai|dumplings|a berry cheesecake|corn bread|a tuna sandwich|baked salmon
a lentil stew|chili con carne|butter chicken|a carrot cake|pancake batter|iced tea|hot chocolate
a picnic lunch|a three course dinner|school lunches for the week|a breakfast burrito|sushi rolls""",
    ),
    "health": (
        ["ease", "deal with", "get relief from", "prevent", "cope with", "recover from", "reduce", "treat at home",
         "manage", "avoid"],
        """a stiff neck|a tension headache|lower back pain|heartburn|a stuffy nose|dry skin|sore feet after hiking
a pulled muscle|jet lag|motion sickness|seasonal allergies|a mild sunburn|chapped lips|eye strain
a bad cough|mild insomnia|an upset stomach|itchy mosquito bites|a sprained ankle|muscle cramps
hay fever|a blister on my heel|tired eyes|knee pain when running|cold hands in winter|acid reflux
a runny nose|stress before a deadline|a hangover|dehydration on a hot day|a cold sore|dandruff""",
    ),
    "home": (
        ["clean", "fix", "organize", "repaint", "tidy up", "declutter", "redecorate", "deep clean", "maintain",
         "childproof"],
        """the garage|a squeaky door|the kitchen cabinets|a wobbly table|the bathroom grout|the fridge|a clogged sink
the living room|the attic|a cracked tile|the gutters|the oven|a scratched wooden floor|the windows
the spare bedroom|a running toilet|the laundry room|the patio|a sticky drawer|the front porch
the bookshelf|a dripping shower head|the basement|the garden shed|the car interior|the hallway closet""",
    ),
    "family": (
        ["plan a surprise for", "spend more time with", "write a thank you note to", "choose a gift for",
         "help with homework for", "plan a day out with", "have a calm talk with", "cook a special meal for",
         "support", "reconnect with"],
        """my grandmother|my teenage son|my little sister|my husband|my wife|my best friend|my father
my stepmother|my toddler|my cousin|my roommate|my aunt|my new neighbor|my mentor|my twin brother
my daughter|my in-laws|my coach|my pen pal|my old teacher|my boss|my team at work|my godson""",
    ),
    "learning": (
        ["learn", "get better at", "practice", "start", "teach myself", "improve at", "study", "make progress in",
         "find a class for", "stay motivated with"],
        """the piano|watercolor painting|spanish|pottery|public speaking|calligraphy|yoga|rock climbing
origami|photography|creative writing|sign language|basic algebra|chemistry homework|world history
bird watching|sewing|woodworking|salsa dancing|the violin|crochet|sketching portraits|skateboarding
japanese|coding in javascript|statistics|astronomy|baking bread|gardening|speed reading|juggling""",
    ),
    "events": (
        ["plan", "organize", "host", "budget for", "decorate for", "send invitations for", "make a checklist for",
         "pick a theme for", "set up", "find a venue for"],
        """a baby shower|a family reunion|a graduation party|a game night|a garden party|a retirement dinner
a charity bake sale|a neighborhood cleanup|a surprise party|a holiday dinner|a book swap|a pool party
a kids' science fair|an office potluck|a housewarming party|a trivia night|a wedding anniversary dinner
a sleepover|a farewell lunch|a talent show|a camping weekend|a movie marathon|a board game club""",
    ),
    "money": (
        ["save for", "budget for", "compare prices for", "find a good deal on", "plan the cost of",
         "decide whether to buy", "negotiate the price of", "pay less for", "research", "shop around for"],
        """a used car|a new phone|a family holiday|a washing machine|car insurance|a gym membership|groceries
a laptop for school|a first apartment|a new mattress|a mountain bike|home internet|a wedding dress
a down payment on a house|a college course|concert merchandise|a winter coat|a dishwasher|a sofa""",
    ),
    "travel": (
        ["pack for", "plan", "find cheap flights for", "make an itinerary for", "prepare for", "save money on",
         "find a hotel for", "plan meals for", "get around during", "take great photos on"],
        """a week in rome|a beach holiday|a ski trip|a business trip to chicago|a backpacking trip in peru
a long train journey|a weekend in paris|a hiking trip in the alps|a cruise|a visit to my grandparents
a road trip along the coast|a school exchange in germany|a honeymoon in bali|a day at the zoo
a trip to a theme park|a bike tour|a weekend in the mountains|a city break in lisbon""",
    ),
    "pets": (
        ["take care of", "feed", "groom", "train", "exercise", "choose a vet for", "travel with", "adopt",
         "keep happy", "introduce a new pet to"],
        """a rescue dog|an old cat|a hamster|a rabbit|a puppy|a kitten|a guinea pig|a budgie|a pony
a tortoise|a family dog|a pair of gerbils|a border collie|a goldfish|a bearded dragon""",
    ),
    "tech": (
        ["set up", "update", "speed up", "reset", "free up space on", "connect a printer to", "back up",
         "troubleshoot", "choose", "clean up"],
        """my new tablet|an old laptop|a smart tv|a bluetooth speaker|my email inbox|a shared family calendar
a home printer|a gaming console|my phone's photo library|a spreadsheet of expenses|a wireless mouse
a video call for my grandparents|a small business website|a school laptop|a music playlist app""",
    ),
    "work": (
        ["prepare for", "write an agenda for", "get ready for", "follow up after", "improve", "plan",
         "lead", "take notes in", "make the most of", "summarize"],
        """a team meeting|a performance review|my first day at a new job|a sales presentation|a job fair
a project kickoff|a client call|a training workshop|a quarterly report|an internship|a networking event
a panel interview|a staff newsletter|an onboarding week|a volunteer shift""",
    ),
    "garden": (
        ["plant", "grow", "water", "prune", "harvest", "protect", "fertilize", "start from seed", "repot",
         "care for"],
        """tomatoes|roses|a lemon tree|strawberries|sunflowers|basil|a bonsai tree|tulip bulbs|potatoes
an orchid|lavender|a hedge|pumpkins|blueberry bushes|a fern|chili peppers|a vegetable patch""",
    ),
}

WRITE_FORMS = ["a thank you card", "a birthday message", "a short speech", "a newsletter", "a cover letter",
               "a product description", "a poem", "a review", "a toast", "a blog post", "a bedtime story",
               "an invitation", "a congratulations note", "a welcome email", "a recipe card"]
WRITE_TOPICS = ["my grandmother's garden", "our new puppy", "the school play", "a rainy weekend at home",
                "our team's first win", "a trip to the seaside", "my neighbor's bakery", "the first snow",
                "a family picnic", "our new office", "a bike ride in spring", "the local library",
                "a homemade pizza night", "my sister's graduation", "a hiking club", "a lost umbrella",
                "our community garden", "a summer fair", "my favorite teacher", "a new coffee shop"]

_STOP = set("""a an the to of and or for in on at by with my your our their his her its i me you we he she it they
is are was be do does did how what why when where who which can could would should will just some any this that
these those from into about as so if not no yes up out get make write tell give help please explain describe
way best easy quick step steps s""".split())


def _content(s):
    return [w for w in re.sub(r"[^a-z0-9']+", " ", s.lower()).split() if w not in _STOP]


def _bigrams(s):
    c = _content(s)
    return {(a, b) for a, b in zip(c, c[1:])}


def acts():
    """Every verb x object act of SLOTS, in a fixed order."""
    out = []
    for verbs, objects in SLOTS.values():
        objs = [o.strip() for o in objects.replace("\n", "|").split("|") if o.strip()]
        out += [f"{v} {o}" for v in verbs for o in objs]
    return out


def writes():
    return [f"{f} about {t}" for f in WRITE_FORMS for t in WRITE_TOPICS]


def training_requests(rng, n_acts, n_writes, render_act, render_write, protected):
    """[(request, False, kind, subject)]: n_acts acts and n_writes writings drawn without repeats, none sharing a
    content bigram with a protected prompt."""
    banned = set().union(*(_bigrams(p) for p in protected))
    a = [x for x in acts() if not (_bigrams(x) & banned)]
    w = [x for x in writes() if not (_bigrams(x) & banned)]
    a = rng.sample(a, min(n_acts, len(a)))
    w = rng.sample(w, min(n_writes, len(w)))
    return ([(render_act(x, rng), False, "act", x) for x in a] + [(render_write(x, rng), False, "write", x) for x in w])
