"""The connector conformance kit: a pytest plugin any connector package runs against itself.

Write a ``ConformanceSubject`` for your connector (its fake platform, documented deliveries,
an interaction the fake knows), then either register it under the ``passerelle.conformite``
entry-point group and run ``passerelle connecteurs check NAME``, or subclass
:class:`ConformanceSuite` in your own tests with a ``subject`` fixture that returns it.
"""

from connecteurs.conformite.subject import ConformanceSubject, Harness, Opener, http_opener

__all__ = ["ConformanceSubject", "Harness", "Opener", "http_opener"]
