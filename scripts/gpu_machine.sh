#!/usr/bin/env bash
# Execute chapters on a lent GPU machine, whose Python (with PyTorch, torch-geometric, SciPy,
# pandas, seaborn, scikit-learn) lacks the notebook tools and cannot reach a registry.
#
#   bash scripts/gpu_machine.sh PRESET BUDGET_S CHAPTER...       e.g.  small 480 04 08 02 05
#
# Expects, carried beside the working tree (both ignored by git):
#   .whl/  the wheels of ../shared/gpu-wheels (papermill, jupytext, nbval, ipykernel and what they
#          need) and .whl/py/ with the pure-Python packages pytorch_grad_cam and ttach (chapter 8);
#   .data/ the VIRA_DATA folders the chapters read: a copy of ../shared/data, or of every folder the
#          chosen chapters name (chapter 8 reads tiktok_vn_2025 and facebook_2015; without one, a
#          section is skipped and the page cannot land).
# VIRA_GIT_REVISION names the commit the tree was copied from (the copy has no .git).
# Runs scripts/book_in_budget.py once per chapter, all at once, each stopped at BUDGET_S seconds and
# kept when it finishes, and packs the pages, their results files, the failed notebooks and the logs
# into $OUT/pages.tar. Then, here: scripts/land_device_pages.py --from <unpacked>/book/gpu --revision REV NN...
set -u
preset=$1; budget=$2; shift 2
if [ -z "${VIRA_SKIP_WHEELS:-}" ]; then  # set it to try the script where the tools are installed
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site .whl/*.whl \
    || { echo "gpu_machine: installing the wheels of .whl/ failed"; exit 1; }
fi
# The copy's .git (if any) is not the commit the tree came from: hide it, so that every page records
# VIRA_GIT_REVISION ("no checkout: dirty unknown") until scripts/land_device_pages.py checks it.
export GIT_DIR="$PWD/.no-git-on-the-gpu-machine"
export PYTHONPATH="$PWD:$PWD/.whl/py:/tmp/site" PYTHONUNBUFFERED=1 VIRA_DATA="${VIRA_DATA:-$PWD/.data}"
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(),
  torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
mkdir -p book/gpu
# the GPU's load every 20 s, for the timings page
nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv -l 20 > book/gpu_smi.log 2>&1 &
# The chapters run side by side, one process each with its share of the cores, each into its own
# folder book/gpu/NN/ (a runner cleans its output folder's temporary files when it starts, so two
# must not share one): the chapters' networks are small, and one of them alone leaves the GPU idle.
threads=$(( $(nproc) / $# )); [ "$threads" -ge 1 ] || threads=1
pids=()
for n in "$@"; do
  OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads python3 scripts/book_in_budget.py --preset "$preset" \
    --budget "$budget" --reserve 0 --reports --order "$n" --out "book/gpu/$n" > "book/gpu_$n.log" 2>&1 &
  pids+=($!)
done
rc=0
for i in "${!pids[@]}"; do wait "${pids[$i]}" || rc=1; done
for n in "$@"; do echo "== chapter $n"; tail -n 8 "book/gpu_$n.log"; done
files=(book/gpu book/gpu_*.log)
[ -d _build/failed ] && files+=(_build/failed)
tar -cf "${OUT:-/tmp}/pages.tar" "${files[@]}"
echo "gpu_machine: packed ${files[*]} into pages.tar"
exit "$rc"
