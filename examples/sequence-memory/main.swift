print("sequence-memory: not written yet")
