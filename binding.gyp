{
  "targets": [
    {
      "target_name": "lenet_kernels",
      "sources": ["native/lenet-kernels.cc"],
      "cflags_cc!": ["-fno-exceptions", "-O2", "-O3", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fno-exceptions", "-Wno-uninitialized", "-Wno-maybe-uninitialized"]
    }
  ]
}
