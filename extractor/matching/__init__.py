"""The matching engine: medspaCy rules run fast over a tokenized note.

:mod:`.matcher` (:class:`~.matcher.RuleMatcher`) runs literal phrases, token
patterns and regexes in one pass and prunes overlaps; :mod:`.token_patterns`
walks token patterns outwards from their rarest word; :mod:`.regex_analysis`
reads what a regex can match (from :mod:`.regex_syntax`'s parse tree) so
that each regex runs only where it can match.
"""
