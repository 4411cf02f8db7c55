#!/bin/sh
# Puts real tokenizer files into Benchmarks/.data/tokenizers/ (git-ignored) for the tests
# that need them, the cross-check (scripts/crosscheck-tokenizers.py) and the benchmark:
# tiktoken ranks files p50k_base, cl100k_base, o200k_base (named by tiktoken's cache key,
# the sha1 of their download URL) and two Hugging Face tokenizer.json files (Anthropic's,
# ByteLevel + NFKC; DeepSeek's, Split regexes + ByteLevel).
#
# They come from the PyPI wheel of litellm, which ships them: `pip download --no-deps
# litellm`. Never commit them. Tests also look in $PREFLIGHT_TOKENIZERS.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/Benchmarks/.data/tokenizers"
pip=${PIP:-pip3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$pip" download --no-deps --quiet --dest "$work" litellm
wheel=$(ls "$work"/litellm-*.whl | head -n 1)
mkdir -p "$dest"
python3 - "$wheel" "$dest" <<'PY'
import sys, zipfile, os
wheel, dest = sys.argv[1], sys.argv[2]
prefix = "litellm/litellm_core_utils/tokenizers/"
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith(("/", ".py")):
            target = os.path.join(dest, name[len(prefix):])
            with z.open(name) as src, open(target, "wb") as out:
                out.write(src.read())
            print(target)
PY
