"""The stages of the pipeline, in the order a note goes through them.

1. :mod:`.tokenizer`: clinical tokens ("x3wk" -> "x 3 wk");
2. :mod:`.sentences` and :mod:`.sections`: line-aware sentences, section headers
   (together they make the :class:`~extractor.note.Note`);
3. :mod:`.targets` then :mod:`.duration_owners`: the spans of every SPEC label;
4. :mod:`.context`: ConText modifiers within each sentence;
5. :mod:`.assertions`: each span's attributes, from its rule, its modifiers and
   its section: the findings.

:mod:`extractor.decision` then decides on the findings (SPEC section 3), and
:mod:`extractor.component` runs the whole flow as one spaCy component.
"""
