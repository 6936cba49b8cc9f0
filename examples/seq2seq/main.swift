print("seq2seq: not written yet")
