#!/usr/bin/env bash
# Execute chapters on a lent GPU machine, whose Python (with PyTorch, torch-geometric, SciPy,
# pandas, seaborn, scikit-learn) lacks the notebook tools and cannot reach a registry.
#
#   bash scripts/gpu_machine.sh PRESET BUDGET_S CHAPTER...       e.g.  small 480 04 08 02 05
#
# Expects, carried beside the working tree (both ignored by git):
#   .whl/  the wheels of ../shared/gpu-wheels (papermill, jupytext, nbval, ipykernel and what they
#          need) and .whl/py/ with the pure-Python packages pytorch_grad_cam and ttach (chapter 8);
#   .data/ the VIRA_DATA folders the chapters read (a copy of ../shared/data, or part of it).
# VIRA_GIT_REVISION names the commit the tree was copied from (the copy has no .git).
# Runs scripts/book_in_budget.py (chapters in the order given, each kept when it finishes) and packs
# the pages, their results files, the failed notebooks and the log into $OUT/pages.tar.
set -u
preset=$1; budget=$2; shift 2
if [ -z "${VIRA_SKIP_WHEELS:-}" ]; then  # set it to try the script where the tools are installed
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .whl/*.whl \
    || { echo "gpu_machine: installing the wheels of .whl/ failed"; exit 1; }
fi
export PYTHONPATH="$PWD:$PWD/.whl/py:/tmp/site" PYTHONUNBUFFERED=1 VIRA_DATA="${VIRA_DATA:-$PWD/.data}"
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(),
  torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
python3 scripts/book_in_budget.py --preset "$preset" --budget "$budget" --reserve 0 --reports \
  --order "$@" 2>&1 | tee book/gpu_machine.log
rc=${PIPESTATUS[0]}
files=(book/gpu_machine.log)
for n in "$@"; do
  files+=($(ls book/${n}_*.ipynb book/results/${n}_*.json 2>/dev/null))
done
[ -d _build/failed ] && files+=(_build/failed)
tar -cf "${OUT:-/tmp}/pages.tar" "${files[@]}"
echo "gpu_machine: packed ${#files[@]} paths into pages.tar; book_in_budget exit $rc"
exit "$rc"
