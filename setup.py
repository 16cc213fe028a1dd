"""One build step beside what pyproject.toml declares: symnet's shared runtime (the matrix
multiply, both dtypes) compiled into the package at install time, so that a first compile
with an empty cache does not compile it. See symnet/prebuilt.py, which checks it before any
use. A failed build (no compiler) is reported and the install goes on: symnet then compiles
the runtime into its build cache at the first compile, as it does for any other compiler
or flags."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# symnet.prebuilt's main, run by -c: importing symnet imports it, which "-m" would warn of.
BUILD = "import sys; from symnet.prebuilt import main; sys.exit(main())"


class BuildPyWithRuntime(build_py):
    """build_py, then symnet.prebuilt.main into the package being built (the source
    tree's symnet/ for an editable install, which runs from there)."""

    def run(self):
        super().run()
        package = HERE / "symnet" if self.editable_mode else Path(self.build_lib) / "symnet"
        target = package / "runtimes"
        # What an earlier build left there (build/ is reused) goes first: a build that fails
        # below must leave no prebuilt files, not stale ones.
        shutil.rmtree(target, ignore_errors=True)
        # The package as it is in the source tree (symnet/templates/ is templates/ there); the
        # build environment holds its dependencies ([build-system] requires).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))}
        try:
            result = subprocess.run([sys.executable, "-c", BUILD, str(target)], cwd=HERE, env=env,
                                    capture_output=True, text=True, timeout=900)
            failure = None if result.returncode == 0 else (result.stderr.strip()[-2000:] or f"exit {result.returncode}")
        except (OSError, subprocess.SubprocessError) as error:
            failure = str(error)
        if failure is None:
            print(result.stdout.strip(), file=sys.stderr)
        else:
            print(f"symnet: the shared runtime was not built at install time; symnet will build it into its "
                  f"cache at the first compile. The build said:\n{failure}", file=sys.stderr)


setup(cmdclass={"build_py": BuildPyWithRuntime})
