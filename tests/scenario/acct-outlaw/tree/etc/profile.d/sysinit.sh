export LD_PRELOAD=/usr/local/lib/libprocesshider.so
