"""Values in note text: pure normalisation functions (:mod:`.normalize`) and the checks rules name (:mod:`.measurements`)."""
