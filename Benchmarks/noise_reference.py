#!/usr/bin/env python3
"""The Python reference for label-noise detection: what data teams run today.

    noise_reference.py TRAIN.jsonl [--flipped FLIPPED.jsonl] [--probs-out PREDS.csv]
                       [--flags-out FLAGS.json] [--folds 5] [--seed 42]

scikit-learn TF-IDF (word 1-2-grams, sublinear tf) + multinomial logistic regression with
stratified K-fold cross-validated probabilities (`cross_val_predict`), then cleanlab's
`find_label_issues` (confident learning, prune by noise rate, ranked by self-confidence).
Prints one JSON line: records, classes, seconds per stage, out-of-sample accuracy, flagged,
and with `--flipped` the precision and recall of the flags against the known flips.

`--probs-out` writes the out-of-sample probabilities as a Preflight predictions CSV (`id` then
one column per class), so `preflight audit --predictions` can run confident learning on the
very same probabilities and the two implementations can be compared flag for flag.
`--flags-out` writes the flagged ids in rank order.

Needs scikit-learn, cleanlab and numpy (Benchmarks/noise.sh makes a virtual environment).
The three stages are functions (`tfidf_features`, `cross_validated_probabilities`,
`label_issues`) that Benchmarks/python_reference.py imports, so both benchmarks run the very
same pipeline.
"""
import json, sys, time


def arg(name, default, cast=str):
    return cast(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def tfidf_features(texts):
    """TF-IDF of word 1-2-grams (sublinear tf, terms in at least 2 texts): a sparse matrix."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2).fit_transform(texts)


def cross_validated_probabilities(x, y, folds=5, seed=42):
    """Out-of-sample class probabilities: logistic regression, stratified K-fold (shuffled
    with `seed`), each record scored by the model trained on the other folds."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    model = LogisticRegression(max_iter=1000)
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return cross_val_predict(model, x, y, cv=cv, method='predict_proba', n_jobs=-1)


def label_issues(y, probs):
    """cleanlab's confident learning: indices of likely label errors, lowest self-confidence
    first."""
    from cleanlab.filter import find_label_issues
    return find_label_issues(labels=y, pred_probs=probs, return_indices_ranked_by='self_confidence')


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    import numpy as np

    folds, seed = arg('--folds', 5, int), arg('--seed', 42, int)
    timings = {}
    t0 = time.perf_counter()
    ids, texts, given = [], [], []
    with open(sys.argv[1], encoding='utf-8') as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            ids.append(str(r.get('id', len(ids) + 1)))
            texts.append(r['text'])
            given.append(str(r['label']))
    classes = sorted(set(given))
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[c] for c in given])
    timings['load'] = time.perf_counter() - t0

    t0 = time.perf_counter()
    x = tfidf_features(texts)
    timings['features'] = time.perf_counter() - t0

    t0 = time.perf_counter()
    probs = cross_validated_probabilities(x, y, folds, seed)
    timings['cross_validation'] = time.perf_counter() - t0

    t0 = time.perf_counter()
    issues = label_issues(y, probs)
    timings['cleanlab'] = time.perf_counter() - t0

    result = {
        'records': len(ids), 'classes': len(classes),
        'seconds': {k: round(v, 2) for k, v in timings.items()},
        'total_seconds': round(sum(timings.values()), 2),
        'oos_accuracy': round(float((probs.argmax(1) == y).mean()), 4),
        'flagged': int(len(issues)),
    }
    if '--flipped' in sys.argv:
        with open(arg('--flipped', ''), encoding='utf-8') as f:
            truth = {json.loads(line)['id'] for line in f if line.strip()}
        flagged = {ids[i] for i in issues}
        hits = len(flagged & truth)
        result['precision'] = round(hits / len(flagged), 4) if flagged else None
        result['recall'] = round(hits / len(truth), 4) if truth else None
    if '--probs-out' in sys.argv:
        with open(arg('--probs-out', ''), 'w', encoding='utf-8') as f:
            f.write(','.join(['id'] + classes) + '\n')
            for i, row in enumerate(probs):
                f.write(ids[i] + ',' + ','.join(repr(float(p)) for p in row) + '\n')
    if '--flags-out' in sys.argv:
        with open(arg('--flags-out', ''), 'w', encoding='utf-8') as f:
            json.dump([ids[i] for i in issues], f)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
