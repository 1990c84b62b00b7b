// The translation unit that builds the precompiled header (CMakeLists.txt, NCHAT_PCH).
