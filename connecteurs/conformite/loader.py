"""Find conformance subjects through the ``passerelle.conformite`` entry points."""

from __future__ import annotations

from importlib.metadata import entry_points

from connecteurs.conformite.subject import ConformanceSubject

GROUP = "passerelle.conformite"


class SubjectNotFound(LookupError):
    """No installed package registers a conformance subject under that name."""


def subject_names() -> list[str]:
    return sorted({ep.name for ep in entry_points(group=GROUP)})


def load_subject(name: str) -> ConformanceSubject:
    """Call the ``passerelle.conformite`` entry point ``name`` and check what it returns."""
    for ep in entry_points(group=GROUP):
        if ep.name == name:
            factory = ep.load()
            subject = factory() if callable(factory) else factory
            if not isinstance(subject, ConformanceSubject):
                raise TypeError(
                    f"entry point {ep.value} returned {type(subject).__name__}, "
                    "expected a ConformanceSubject"
                )
            return subject
    known = ", ".join(subject_names()) or "none"
    raise SubjectNotFound(
        f"no conformance subject named {name!r} (registered under {GROUP}: {known})"
    )
