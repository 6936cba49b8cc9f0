print("lenet-digits: not written yet")
