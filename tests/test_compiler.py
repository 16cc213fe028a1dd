"""The compiler: which flags each compiler gets."""

import symnet.compiler as compiler_module


def test_gcc_alone_gets_its_own_flags(monkeypatch):
    versions = {("gcc",): "gcc (GCC) 13.2.1 20230801\nCopyright (C) 2023 Free Software Foundation, Inc.\n",
                ("clang",): "clang version 16.0.6\nTarget: x86_64-pc-linux-gnu\n"}
    monkeypatch.setattr(compiler_module, "_compiler_version", versions.__getitem__)
    assert compiler_module.build_flags(("gcc",)) == compiler_module.OPTIMIZED + compiler_module.GCC_OPTIMIZED
    assert compiler_module.build_flags(("clang",)) == compiler_module.OPTIMIZED
    assert compiler_module.build_flags(("gcc",), sanitize=True) == compiler_module.SANITIZED


def test_a_failed_compile_says_what_the_compiler_said(tmp_path):
    broken = tmp_path / "broken.c"
    broken.write_text("int f(void) { return missing_name; }\n")
    said = compiler_module.run_compiler([*compiler_module.compiler_command(), "-c", str(broken), "-o",
                                         str(tmp_path / "broken.o")])
    assert "missing_name" in said
    fine = tmp_path / "fine.c"
    fine.write_text("int f(void) { return 1; }\n")
    assert compiler_module.run_compiler([*compiler_module.compiler_command(), "-c", str(fine), "-o",
                                         str(tmp_path / "fine.o")]) is None
