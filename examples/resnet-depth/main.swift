print("resnet-depth: not written yet")
