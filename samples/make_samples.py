#!/usr/bin/env python3
"""Writes the sample datasets in samples/ (our own synthetic data, no third-party text).

Deterministic: the same script writes the same bytes. Run from the repository root:
    python3 samples/make_samples.py
Each folder's problems are listed in samples/README.md; end-to-end tests pin the results.
"""
import csv, gzip, io, json, os, random

ROOT = os.path.dirname(os.path.abspath(__file__))

PRODUCTS = ["router", "headset", "smart plug", "keyboard", "webcam", "monitor", "power bank",
            "desk lamp", "thermostat", "speaker", "drone", "e-reader", "tablet", "printer"]
PLACES = ["Lisbon", "Osaka", "Denver", "Nairobi", "Kraków", "Montréal", "Perth", "Bergen"]

TEMPLATES = {
    "billing": [
        "I was charged twice for my {p} order this month",
        "why does my invoice for the {p} show a higher price than the checkout page",
        "please explain the extra fee on my last bill for the {p}",
        "my card was billed {n} dollars but the {p} costs less",
        "can I get a copy of the invoice for the {p} I bought in {c}",
        "the subscription for my {p} renewed at the wrong price",
        "I see a pending charge for a {p} I never ordered",
        "how do I change the billing address linked to my {p} purchase",
    ],
    "shipping": [
        "my {p} has not arrived after {n} days",
        "the tracking number for my {p} does not work",
        "can you ship the {p} to my office in {c} instead",
        "the courier left my {p} at the wrong door",
        "how long does delivery of a {p} to {c} usually take",
        "the box with my {p} arrived crushed",
        "is express shipping available for the {p} to {c}",
        "my {p} order says delivered but nothing came",
    ],
    "account": [
        "I cannot log in to the account I used to buy the {p}",
        "how do I reset my password, the {p} app keeps rejecting it",
        "please delete my account and the data from my {p}",
        "I want to change the email on my account, I registered the {p} with an old one",
        "my account got locked after I set up the {p} in {c}",
        "how do I add a second user to the {p} account",
        "the two-factor code for my account never arrives since I moved to {c}",
        "can I merge the account from my old {p} with my new one",
    ],
    "technical": [
        "my {p} keeps disconnecting from wifi every {n} minutes",
        "the {p} will not turn on after the latest update",
        "the firmware update for the {p} fails at {n} percent",
        "my {p} gets very hot after a few minutes of use",
        "the {p} does not pair with my phone anymore",
        "the screen on my {p} flickers when the brightness is low",
        "the {p} app crashes whenever I open the settings",
        "how do I factory reset the {p}",
    ],
}


def generate(labels, per_label, seed, start_id, prefix):
    rng = random.Random(seed)
    rows, seen = [], set()
    for label in labels:
        count = 0
        while count < per_label:
            text = rng.choice(TEMPLATES[label]).format(
                p=rng.choice(PRODUCTS), c=rng.choice(PLACES), n=rng.randint(2, 40))
            if text in seen:
                continue
            seen.add(text)
            rows.append({"text": text, "label": label})
            count += 1
    rng.shuffle(rows)
    for i, row in enumerate(rows):
        row["id"] = f"{prefix}-{start_id + i}"
    return [{"id": r["id"], "text": r["text"], "label": r["label"]} for r in rows], seen


# Clause lists for varied texts: issue + object + context, so that two texts rarely share
# more than one clause. `generate_diverse` keeps only texts whose word sets overlap every
# earlier text by less than 0.5 (Jaccard), so "clean" data has no near-copies at 0.8.
CLAUSES = {
    "billing": (
        ["I was charged twice", "my invoice shows the wrong amount", "there is an unknown fee on my statement",
         "the discount code was not applied", "my subscription price went up without notice",
         "the tax on my receipt looks wrong", "a payment I cancelled still went through",
         "I need a copy of my invoice", "my card was billed in the wrong currency", "the promised credit never appeared"],
        ["for the {p}", "on my {p} order", "when I bought a {p}", "for the {p} subscription",
         "after ordering the {p}", "regarding my {p} purchase", "on the {p} bundle", "with the {p} plan"],
        ["last {d}", "and my bank says it is final", "while I was living in {c}", "this is the {o} time it happens",
         "and I want it corrected", "according to the email I got", "can someone explain this", "please check it today",
         "even though I paid upfront", "since the {d} statement"],
    ),
    "shipping": (
        ["my parcel has not arrived", "the tracking page has no updates", "the courier left the box outside",
         "the package came badly damaged", "I received someone else's order", "delivery keeps getting postponed",
         "I want to change the delivery address", "only half of my items were delivered",
         "the driver never rang the bell", "customs is holding my shipment"],
        ["with the {p}", "containing my {p}", "for the {p} I ordered", "that should hold a {p}",
         "with the {p} and its charger", "for my {p} gift", "with a replacement {p}", "holding the {p} accessories"],
        ["since {d}", "at my flat in {c}", "although it says delivered", "and the sender does not answer",
         "for the {o} week in a row", "which I need before {d}", "with express shipping paid", "in the rain",
         "to my office near {c}", "and I am travelling soon"],
    ),
    "account": (
        ["I cannot log in", "my password reset link expired", "my account was locked",
         "the verification code never arrives", "I want to delete my profile", "someone changed my email address",
         "I need to merge two accounts", "the app signs me out constantly", "I lost access to my old phone number",
         "my username shows as taken"],
        ["on the {p} app", "linked to my {p}", "that I use for the {p}", "tied to the {p} warranty",
         "for the {p} companion service", "registered with my {p}", "on the website and the {p}", "from my {p} profile"],
        ["since I moved to {c}", "after the {d} update", "and support keeps closing my ticket", "for the {o} time",
         "which worries me a lot", "even in a private browser", "right after I changed phones", "on every device I own",
         "before my trip to {c}", "although my details are correct"],
    ),
    "technical": (
        ["the device will not power on", "wifi keeps disconnecting", "the firmware update fails halfway",
         "the screen flickers at low brightness", "bluetooth pairing stopped working", "it overheats after a few minutes",
         "the battery drains overnight", "the settings menu crashes", "the sound crackles at high volume",
         "the buttons stopped responding"],
        ["on my {p}", "with the new {p}", "for the {p} I set up", "after plugging in the {p}",
         "on the refurbished {p}", "with my second {p}", "in the {p} app", "when the {p} is charging"],
        ["since the {d} patch", "even after a factory reset", "in my apartment in {c}", "for the {o} time this month",
         "only when it is cold", "and restarting does not help", "at around {n} percent", "whenever I travel",
         "after {n} minutes of use", "on both cables I tried"],
    ),
}
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "weekend", "month"]
ORDINALS = ["second", "third", "fourth", "fifth"]


def word_set(text):
    return set(" ".join(text.casefold().split()).split(" "))


def generate_diverse(labels, per_label, seed, prefix, accepted, start_id=1, max_overlap=0.5):
    """Rows of varied texts; `accepted` holds the word sets of every text written so far."""
    rng = random.Random(seed)
    rows = []
    for label in labels:
        issues, objects, contexts = CLAUSES[label]
        count = attempts = 0
        while count < per_label:
            attempts += 1
            if attempts > 200000:
                raise SystemExit(f"cannot find {per_label} varied '{label}' texts")
            text = " ".join([rng.choice(issues), rng.choice(objects), rng.choice(contexts)]).format(
                p=rng.choice(PRODUCTS), c=rng.choice(PLACES), n=rng.randint(2, 95),
                d=rng.choice(DAYS), o=rng.choice(ORDINALS))
            words = word_set(text)
            if any(len(words & other) / len(words | other) >= max_overlap for other in accepted):
                continue
            accepted.append(words)
            rows.append({"text": text[0].upper() + text[1:], "label": label})
            count += 1
    rng.shuffle(rows)
    return [{"id": f"{prefix}-{start_id + i}", "text": r["text"], "label": r["label"]} for i, r in enumerate(rows)]


def write_jsonl(path, rows, raw_lines=None):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        for line in raw_lines or []:
            f.write(line + "\n")


def write_csv(path, rows, fields):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(fields)
        for row in rows:
            w.writerow([row[k] for k in fields])


def yaml_quote(s):
    return json.dumps(s, ensure_ascii=False)


def write_yaml(path, rows, header):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(header)
        f.write("examples:\n")
        for row in rows:
            f.write(f"  - id: {row['id']}\n    text: {yaml_quote(row['text'])}\n    label: {row['label']}\n")


def clean_intents():
    """A classification set that is ready: balanced, varied, no duplicates, no leakage."""
    folder = os.path.join(ROOT, "clean-intents")
    os.makedirs(folder, exist_ok=True)
    labels = ["account", "billing", "shipping", "technical"]
    accepted = []
    rows = generate_diverse(labels, 60, 1, "tr", accepted)
    write_jsonl(os.path.join(folder, "train.jsonl"), rows)
    val = generate_diverse(labels, 8, 2, "va", accepted)
    write_jsonl(os.path.join(folder, "validation.jsonl"), val)


def support_tickets():
    """The quick-start sample: a realistic set with the problems that make training fail."""
    folder = os.path.join(ROOT, "support-tickets")
    os.makedirs(folder, exist_ok=True)
    labels = ["account", "billing", "shipping", "technical"]
    accepted = []
    rows = generate_diverse(labels, 30, 3, "t", accepted)
    # A rare class: 4 examples of 'refund' (below the 10-example minimum).
    refunds = ["I want my money back for the broken headset",
               "please refund the webcam I returned last week",
               "how long does a refund to my card take",
               "I returned the drone, where is my refund"]
    for i, text in enumerate(refunds):
        rows.insert(10 + i * 20, {"id": f"r-{i + 1}", "text": text, "label": "refund"})
    # Exact duplicates after normalization (case and spacing differ).
    rows.append({"id": "d-1", "text": rows[0]["text"].upper(), "label": rows[0]["label"]})
    rows.append({"id": "d-2", "text": "  " + rows[5]["text"].replace(" ", "  ") + " ", "label": rows[5]["label"]})
    # A conflicting label: the same input labelled differently.
    rows.append({"id": "c-1", "text": rows[7]["text"], "label": "technical" if rows[7]["label"] != "technical" else "account"})
    # A label variant that differs only by case and a trailing space.
    rows.append({"id": "v-1", "text": "the invoice total is wrong for my order of the monitor", "label": "Billing "})
    # A near-copy: one word of an earlier ticket inserted.
    words = rows[2]["text"].split(" ")
    rows.append({"id": "n-1", "text": " ".join(words[:3] + ["really"] + words[3:]), "label": rows[2]["label"]})
    raw = [
        '{"id": "m-1", "text": "my router will not connect", "label": "technical"',  # unterminated object
        '{"id": "m-2", "text": "", "label": "shipping"}',                             # empty text
    ]
    write_jsonl(os.path.join(folder, "train.jsonl"), rows, raw)
    support_tickets_predictions(rows, rows[7]["label"])

    val = generate_diverse(labels, 6, 4, "v", accepted)
    # Leakage: two validation records copied from training, one near-copy (a word changed).
    val.append({"id": "v-leak-1", "text": rows[12]["text"], "label": rows[12]["label"]})
    val.append({"id": "v-leak-2", "text": rows[40]["text"].capitalize(), "label": rows[40]["label"]})
    words = rows[50]["text"].split(" ")
    val.append({"id": "v-near", "text": " ".join(words[:-1] + ["again"]), "label": rows[50]["label"]})
    write_csv(os.path.join(folder, "val.csv"), val, ["id", "text", "label"])

    test = generate_diverse(labels, 4, 5, "s", accepted)
    # A test label never seen in training, and a record shared with validation.
    test.append({"id": "s-new", "text": "do you sell gift cards for the speaker", "label": "sales"})
    test.append({"id": "s-shared", "text": val[3]["text"], "label": val[3]["label"]})
    write_yaml(os.path.join(folder, "test.yaml"), test,
               "# Held-out test set for the support-tickets sample (see samples/README.md).\n")


# Records of support-tickets/train.jsonl whose predicted probabilities disagree with their
# label, and the class the "model" prefers instead.
PREDICTION_DISAGREEMENTS = {"t-14": "technical", "t-63": "billing", "t-101": "shipping"}


def support_tickets_predictions(rows, conflict_label):
    """Out-of-sample probabilities of a stand-in model for every labelled training record of
    support-tickets, for `preflight audit --predictions` (samples/README.md says which
    records disagree with their label)."""
    folder = os.path.join(ROOT, "predictions")
    os.makedirs(folder, exist_ok=True)
    classes = ["account", "billing", "Billing ", "refund", "shipping", "technical"]
    disagree = dict(PREDICTION_DISAGREEMENTS)
    disagree["c-1"] = conflict_label  # the conflicting copy: the model sides with the original
    disagree["v-1"] = "billing"       # the 'Billing ' variant: the model knows it as billing
    rng = random.Random(11)
    with open(os.path.join(folder, "support-tickets.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        w.writerow(["id"] + classes)
        for row in rows:
            top, top_p = row["label"], rng.uniform(0.90, 0.94)
            if row["id"] in disagree:
                top, top_p = disagree[row["id"]], rng.uniform(0.95, 0.97)
            others = [c for c in classes if c != top]
            weights = [rng.random() for _ in others]
            probs = {top: round(top_p, 4)}
            for c, wgt in zip(others, weights):
                probs[c] = round((1 - top_p) * wgt / sum(weights), 4)
            probs[top] = round(1 - sum(p for c, p in probs.items() if c != top), 4)
            w.writerow([row["id"]] + [probs[c] for c in classes])


def malformed():
    """Every kind of malformed record the readers report, one per line or row."""
    folder = os.path.join(ROOT, "malformed")
    os.makedirs(folder, exist_ok=True)
    good, _ = generate(["account", "billing", "shipping", "technical"], 3, 5, 1, "ok")
    lines = [json.dumps(r) for r in good[:6]]
    lines += [
        '{"id": "bad-json", "text": "missing a closing brace", "label": "billing"',
        '["an", "array", "not", "an", "object"]',
        '{"id": "no-label", "text": "where is my parcel"}',
        '{"id": "empty", "text": "   ", "label": "shipping"}',
        '{"id": "wrong-type", "text": {"nested": "object"}, "label": "account"}',
        '{"id": "bool-label", "text": "is this a label", "label": true}',
    ]
    lines += [json.dumps(r) for r in good[6:]]
    data = ("\ufeff" + "\r\n".join(lines[:4]) + "\r\n\n" + "\n".join(lines[4:]) + "\n").encode("utf-8")
    # Invalid UTF-8 in one line (a Latin-1 byte), and no final newline after the last line.
    data += b'{"id": "latin1", "text": "caf\xe9 order", "label": "billing"}\n'
    data += json.dumps(good[0] | {"id": "last"}).encode("utf-8")
    with open(os.path.join(folder, "train.jsonl"), "wb") as f:
        f.write(data)
    csv_text = ('id,text,label\n'
                'c1,"a quoted, comma field",billing\n'
                'c2,"a field with ""quotes"" and a\nnewline",shipping\n'
                'c3,too,many,fields,technical\n'
                'c4,too few\n'
                'c5,my monitor flickers,technical\n'
                'c6,"an unterminated quote,account\n')
    with open(os.path.join(folder, "validation.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(csv_text)


def chat_sft():
    """Chat conversations (OpenAI messages) with a duplicate, a mixed record and leakage."""
    folder = os.path.join(ROOT, "chat-sft")
    os.makedirs(folder, exist_ok=True)
    rng = random.Random(6)
    system = "You are a concise support assistant for a hardware shop."
    convs = []
    for i in range(24):
        p = PRODUCTS[i % len(PRODUCTS)]
        c = PLACES[i % len(PLACES)]
        user = rng.choice(TEMPLATES["technical"] + TEMPLATES["shipping"]).format(p=p, c=c, n=rng.randint(2, 40))
        answer = f"Sorry about the trouble with your {p}. I have opened ticket {1000 + i} and a specialist in {c} will reply within a day."
        convs.append({"messages": [{"role": "system", "content": system},
                                   {"role": "user", "content": user},
                                   {"role": "assistant", "content": answer}]})
    train = convs[:20] + [convs[3]]  # an exact duplicate conversation
    raw = [json.dumps({"prompt": "How do I reset my router?", "completion": "Hold the reset button for ten seconds."})]
    # The prompt of conversation 6 (system + user) taught a contradicting answer, last so the
    # lines above keep their numbers: conflicting_answers.
    conflict = {"messages": convs[5]["messages"][:2] + [
        {"role": "assistant", "content": "Orders more than 30 days late are refunded automatically, so no ticket is needed."}]}
    raw.append(json.dumps(conflict, ensure_ascii=False))
    write_jsonl(os.path.join(folder, "train.jsonl"), train, raw)
    write_jsonl(os.path.join(folder, "validation.jsonl"), convs[20:] + [convs[8]])


def compressed():
    """A gzip-compressed training file next to a plain test file."""
    folder = os.path.join(ROOT, "compressed")
    os.makedirs(folder, exist_ok=True)
    accepted = []
    rows = generate_diverse(["account", "billing", "shipping", "technical"], 30, 7, "g", accepted)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write("".join(json.dumps(r) + "\n" for r in rows).encode("utf-8"))
    with open(os.path.join(folder, "train.jsonl.gz"), "wb") as f:
        f.write(buf.getvalue())
    write_jsonl(os.path.join(folder, "test.jsonl"),
                rows[:3] + generate_diverse(["billing", "shipping"], 5, 8, "h", accepted))


NEAR_BASE = [
    ("account", "I forgot the password for my account and the reset email never comes"),
    ("billing", "why was I charged a late fee when the payment left my bank on time"),
    ("shipping", "the parcel was marked as delivered yesterday but my mailbox is still empty"),
    ("technical", "after the update the thermostat shows the wrong temperature in every room"),
    ("account", "please close my profile and remove the saved cards from your records"),
    ("billing", "the discount code from your newsletter was not applied to my basket"),
    ("shipping", "can the courier leave the box with my neighbour at number twelve"),
    ("technical", "the headset microphone crackles whenever I join a video call on my laptop"),
    ("account", "someone changed the phone number on my login without asking me"),
    ("billing", "I need a VAT receipt for the standing desk my company paid for"),
    ("shipping", "your tracking page has said out for delivery since Monday morning"),
    ("technical", "the e-reader freezes on the cover page of every book I download"),
    ("billing", "my refund for the returned speaker shows as pending after three weeks"),
    ("technical", "the drone loses its GPS signal a minute after take-off near the river"),
    ("shipping", "the printer arrived with a cracked paper tray and a torn manual"),
    ("account", "how can my partner get access to our shared family plan"),
    ("technical", "the smart plug schedule turns the kettle on an hour too early"),
    ("billing", "your app lists two identical subscriptions and bills me for both"),
    ("shipping", "is weekend delivery possible for a fridge to a fourth floor flat"),
    ("account", "the verification text arrives in Spanish although my language is English"),
]

NEAR_VALIDATION = [
    ("account", "I would like to download a copy of all the data you hold about me"),
    ("billing", "the invoice lists the old company name from before our merger"),
    ("shipping", "could you hold the parcel at the depot until I return from holiday"),
    ("technical", "the webcam image turns green after the laptop wakes from sleep"),
]


def near_duplicates():
    """Near-copies (not exact) within and across splits, for near_duplicates and friends."""
    folder = os.path.join(ROOT, "near-duplicates")
    os.makedirs(folder, exist_ok=True)
    rows = [{"id": f"n-{i + 1}", "text": text, "label": label}
            for i, (label, text) in enumerate(NEAR_BASE)]

    def copy(tag, base, text, label=None):
        rows.append({"id": tag, "text": text, "label": label or rows[base]["label"]})

    b = [r["text"] for r in rows]
    # One word substituted (password -> passcode).
    copy("sub", 0, b[0].replace("password", "passcode"))
    # One word inserted.
    copy("ins", 1, b[1].replace("late fee", "late payment fee"))
    # One word deleted.
    copy("del", 2, b[2].replace(" still", ""))
    # Two words swapped: the same word set, similarity 1 under word shingles.
    copy("swap", 3, b[3].replace("wrong temperature", "temperature wrong"))
    # Case and whitespace variants on top of a substituted word.
    copy("case", 7, "  " + b[7].upper().replace("LAPTOP", "TABLET").replace(" ", "  ") + " ")
    # A cluster of three: two edits of one record.
    copy("c-1", 10, b[10].replace("Monday", "Tuesday"))
    copy("c-2", 10, b[10].replace("since Monday morning", "since early Monday morning"))
    # A near-copy with another label: a likely labelling error.
    copy("label", 13, b[13].replace("loses its GPS", "quickly loses its GPS"), label="shipping")
    # An exact copy after normalization (case, spaces): exact_duplicates, not near_duplicates.
    copy("exact", 5, b[5].upper().replace(" ", "  "))
    # Two words substituted in a short text: just below the 0.8 threshold, not a near-copy.
    copy("below", 15, b[15].replace("partner", "sister").replace("shared", "joint"))
    write_jsonl(os.path.join(folder, "train.jsonl"), rows)

    val = [{"id": f"v-{i + 1}", "text": text, "label": label}
           for i, (label, text) in enumerate(NEAR_VALIDATION)]
    # A near-copy of a training record (a word substituted) and an exact copy of another.
    val.append({"id": "v-near", "text": b[14].replace("cracked", "broken"), "label": "shipping"})
    val.append({"id": "v-exact", "text": b[16], "label": "technical"})
    write_jsonl(os.path.join(folder, "validation.jsonl"), val)


def chat_format():
    """OpenAI-style chat with tool calls and weights: clean conversations, then one format
    defect per line (see samples/README.md for the list)."""
    folder = os.path.join(ROOT, "chat-format")
    os.makedirs(folder, exist_ok=True)
    rng = random.Random(7)
    system = "You are a support assistant for a hardware shop. Use the tools to look up orders."
    tools = [{"type": "function", "function": {"name": "lookup_order", "parameters": {
        "type": "object", "properties": {"order_id": {"type": "string"}}}}}]
    convs = []
    for i in range(30):
        p = PRODUCTS[i % len(PRODUCTS)]
        c = PLACES[(i * 7) % len(PLACES)]
        order = f"A{4000 + i}"
        user = rng.choice(TEMPLATES["shipping"]).format(p=p, c=c, n=rng.randint(2, 40))
        call = {"id": f"call_{i}", "type": "function", "function": {
            "name": "lookup_order", "arguments": json.dumps({"order_id": order})}}
        convs.append({"messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": f"{user} My order is {order}."},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": f"call_{i}",
             "content": json.dumps({"status": "in transit", "depot": c})},
            {"role": "assistant", "content": f"Your {p} is in transit via our {c} depot; it should arrive within {2 + i % 4} days.",
             "weight": 1}], "tools": tools})

    def conv(*turns, **extra):
        row = {"messages": [{"role": r, "content": t} for r, t in turns]}
        row.update(extra)
        return row
    defects = [
        conv(("system", system), ("user", "Where is my monitor?"), ("bot", "It ships tomorrow.")),
        conv(("system", system), ("user", "My router is late."), ("user", "Hello?"),
             ("assistant", "Sorry for the wait: it left the depot today.")),
        conv(("system", system), ("user", "Is the keyboard in stock?"), ("assistant", "  "),
             ("user", "Anyone?"), ("assistant", "Yes, it is in stock.")),
        conv(("system", system), ("user", "Cancel my order."), ("assistant", "Done: it is cancelled."),
             ("user", "Thanks, and the refund?")),
        conv(("user", "Track my printer."), ("system", system),
             ("assistant", "It is at the depot and leaves tonight.")),
        {"messages": [{"role": "system", "content": system},
                      {"role": "user", "content": "Check order A4100."},
                      {"role": "assistant", "content": None, "tool_calls": [{
                          "id": "call_x", "type": "function", "function": {
                              "name": "lookup_order", "arguments": "{order_id: A4100}"}}]},
                      {"role": "tool", "tool_call_id": "call_x", "content": "{\"status\": \"lost\"}"},
                      {"role": "assistant", "content": "I am sorry: the parcel is lost; I have sent a new one."}],
         "tools": tools},
        {"messages": [{"role": "system", "content": system},
                      {"role": "user", "content": "Refund order A4101."},
                      {"role": "assistant", "content": None, "tool_calls": [{
                          "id": "call_y", "type": "function", "function": {
                              "name": "refund_order", "arguments": "{\"order_id\": \"A4101\"}"}}]},
                      {"role": "tool", "tool_call_id": "call_y", "content": "{\"refunded\": true}"},
                      {"role": "assistant", "content": "The refund is on its way."}],
         "tools": tools},
        conv(("system", system), ("user", "Where is my camera?"), ("tool", "{\"status\": \"delivered\"}"),
             ("assistant", "It was delivered this morning.")),
        {"messages": [{"role": "system", "content": system},
                      {"role": "user", "content": "Do you ship to Lyon?"},
                      {"role": "assistant", "content": "Yes, within three days.", "weight": 2}]},
        {"messages": [{"role": "system", "content": system},
                      {"role": "user", "content": "Do you ship to Porto?"},
                      {"role": "assistant", "content": "Yes, within four days.", "weight": 0}]},
        conv(("system", system), ("user", "Hello, is anyone there?")),
    ]
    write_jsonl(os.path.join(folder, "train.jsonl"), convs + defects)
    write_jsonl(os.path.join(folder, "validation.jsonl"), [
        {"messages": [{"role": "system", "content": system},
                      {"role": "user", "content": f"Does the {p} come with a warranty?"},
                      {"role": "assistant", "content": f"Yes: the {p} has a two-year warranty."}]}
        for p in PRODUCTS[:6]])


def preference():
    """Preference pairs (prompt / chosen / rejected): an identical pair, a pair whose sides
    answer different prompts, an empty side and a lopsided pair after clean pairs."""
    folder = os.path.join(ROOT, "preference")
    os.makedirs(folder, exist_ok=True)
    rows = []
    for i in range(24):
        p = PRODUCTS[i % len(PRODUCTS)]
        c = PLACES[(i * 5) % len(PLACES)]
        rows.append({"prompt": f"My {p} arrived broken in {c}. What can I do?",
                     "chosen": f"I am sorry about your {p}. Reply with a photo of the damage and we will send a replacement to {c} within {2 + i % 3} days.",
                     "rejected": f"Damage in transit is not our problem; contact the courier about your {p}."})
    user = {"role": "user", "content": "Can I return an opened keyboard?"}
    rows += [
        {"prompt": "Can I change my delivery address?",
         "chosen": "Yes: reply with the new address before the parcel leaves the depot.",
         "rejected": "Yes: reply with the new address before the parcel leaves the depot."},
        {"chosen": [user, {"role": "assistant", "content": "Yes, within 30 days, in its box."}],
         "rejected": [{"role": "user", "content": "Can I return an opened monitor?"},
                      {"role": "assistant", "content": "No."}]},
        {"chosen": [user, {"role": "assistant", "content": "Yes, within 30 days, in its box."}],
         "rejected": [user, {"role": "assistant", "content": " "}]},
        {"prompt": "Why is my order late?",
         "chosen": "Orders to islands take two extra days; yours left the depot yesterday and the tracking page shows the courier's latest scan, so it should arrive on Friday at the latest.",
         "rejected": "Strikes."},
    ]
    write_jsonl(os.path.join(folder, "train.jsonl"), rows)


if __name__ == "__main__":
    clean_intents()
    support_tickets()
    malformed()
    chat_sft()
    compressed()
    near_duplicates()
    chat_format()
    preference()
