#!/usr/bin/env python3
"""Generates short synthetic chat conversations for the content-check benchmark.

    generate_content_chat.py N OUT_DIR [--seed S] [--json-targets]

Writes OUT_DIR/train.jsonl: N chat records (`messages`), one or two user/assistant exchanges,
~220 bytes per line, a system prompt on 70% of them (one of 5, or a unique one on 2%). So that
every code path of text_quality runs, a few records carry defects: 1% mojibake, 0.5% HTML
remnants, 0.2% control characters, 2% refusals, 1% copied prompts, 15% a shared opening.
With --json-targets the final assistant turn is a small JSON object (5% with a missing or
mistyped key, 1% unparseable), for output_consistency's parse and schema path.
The counts are printed so a run can be checked.
"""
import json, os, random, sys

n = int(sys.argv[1]); out = sys.argv[2]
seed = int(sys.argv[sys.argv.index('--seed') + 1]) if '--seed' in sys.argv else 7
json_targets = '--json-targets' in sys.argv
rng = random.Random(seed)
WORDS = ("account billing card charge delivery device error firmware invoice login order package "
         "password payment refund router screen shipment subscription support tablet tracking update "
         "warranty wifi battery cable charger speaker monitor keyboard headset printer camera app").split()
SYSTEMS = ["You are a helpful assistant.", "You are a support agent for Acme.", "Answer briefly.",
           "You are a friendly bot that helps with orders.", "Reply in plain English."]
counts = dict(mojibake=0, markup=0, control=0, refusal=0, copied=0, opening=0, unparseable=0, deviation=0)

def sentence(k):
    return ' '.join(rng.choice(WORDS) for _ in range(k))

os.makedirs(out, exist_ok=True)
with open(os.path.join(out, 'train.jsonl'), 'w') as f:
    for i in range(n):
        messages = []
        r = rng.random()
        if r < 0.02:
            messages.append({"role": "system", "content": f"You are assistant #{i}. Today is day {i % 997}."})
        elif r < 0.70:
            messages.append({"role": "system", "content": rng.choice(SYSTEMS)})
        for turn in range(rng.choice([1, 1, 2])):
            question = "How do I fix my " + sentence(rng.randint(4, 9)) + "?"
            answer = "You can " + sentence(rng.randint(12, 24)) + "."
            d = rng.random()
            if d < 0.01:
                answer = answer.replace("You can", "YouÂ canâ€™t Ã©"); counts['mojibake'] += 1
            elif d < 0.015:
                answer += "<br />"; counts['markup'] += 1
            elif d < 0.017:
                question += "\u0007"; counts['control'] += 1
            elif d < 0.037:
                answer = "I'm sorry, but I can't help with that."; counts['refusal'] += 1
            elif d < 0.047:
                answer = question; counts['copied'] += 1
            elif d < 0.197:
                answer = "Sure! Here is how: " + answer; counts['opening'] += 1
            if json_targets:
                obj = {"intent": rng.choice(WORDS), "confidence": round(rng.random(), 2), "steps": [sentence(3)]}
                j = rng.random()
                if j < 0.03:
                    del obj["confidence"]; counts['deviation'] += 1
                elif j < 0.05:
                    obj["confidence"] = "high"; counts['deviation'] += 1
                answer = json.dumps(obj)
                if j > 0.99:
                    answer = answer[:-1]; counts['unparseable'] += 1
            messages.append({"role": "user", "content": question})
            messages.append({"role": "assistant", "content": answer})
        f.write(json.dumps({"messages": messages}, ensure_ascii=False) + "\n")
print(json.dumps({"records": n, **counts}))
