import subprocess
import sys


def main(seconds: float = 60):
    print("about to hang", file=sys.stderr, flush=True)
    # A child of its own: the timeout must kill the whole process tree, not only this one.
    subprocess.run(["sleep", str(seconds)])
    return "never"
