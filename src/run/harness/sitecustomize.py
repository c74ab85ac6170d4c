# asyncdoctor run: loads the harness, then chains to the sitecustomize that
# this file shadows (if any), so an existing one keeps working.
def _asyncdoctor_boot():
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    try:
        import asyncdoctor_harness

        asyncdoctor_harness.install(here)
    except BaseException as exc:  # never break the program
        try:
            asyncdoctor_harness.harness_error("install", exc)  # noqa: F821
        except BaseException:
            pass
    # Leave sys.path as the program expects it.
    try:
        while here in sys.path:
            sys.path.remove(here)
    except Exception:
        pass
    # Chain: find the next sitecustomize on the path and run it as the real one.
    import importlib.machinery
    import importlib.util

    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)  # its errors are its own, as without us


_asyncdoctor_boot()
del _asyncdoctor_boot
