// One source, two uses: compiled into MLNetContextual.Estimators (TorchRuntime patches at run time) and compiled by
// MSBuild's RoslynCodeTaskFactory from MLNetContextual.Estimators.targets (patches bin/ and publish/ after the copy).
// The inline task compiles against netstandard2.0 without NET defined, so keep this file C# 7.3 and netstandard2.0.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace MLNetContextual.Torch
{
    /// <summary>
    /// Reads and edits GNU symbol-versioning sections of ELF64 little-endian shared objects: lists the versions a
    /// library defines (<c>.gnu.version_d</c>) and marks one version it needs (<c>.gnu.version_r</c>) as weak
    /// (<c>VER_FLG_WEAK</c>), so the dynamic loader no longer refuses to load it when that version is missing.
    /// </summary>
    internal static class ElfVersionPatcher
    {
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        /// <summary><c>VER_FLG_WEAK</c> in <c>vna_flags</c>.</summary>
        public const ushort VerFlagWeak = 0x2;

        /// <summary>What <see cref="MarkNeededVersionWeak"/> found.</summary>
        public enum Outcome { Patched, AlreadyWeak, NotNeeded }

        private struct Section { public uint Type; public long Offset; public long Size; public uint Link; public uint Info; }

        /// <summary>
        /// Finds the Vernaux entry for <paramref name="version"/> required from <paramref name="file"/> and returns the
        /// file offset of its <c>vna_flags</c> (u16), or -1 when the library does not need that version.
        /// </summary>
        public static long FindNeededVersionFlags(byte[] elf, string file, string version)
        {
            foreach (var s in Sections(elf))
            {
                if (s.Type != ShtGnuVerneed) continue;
                var strtab = SectionAt(elf, (int)s.Link);
                long vn = s.Offset;
                for (uint i = 0; i < s.Info; i++)
                {
                    ushort count = U16(elf, vn + 2);
                    string vnFile = Str(elf, strtab, U32(elf, vn + 4));
                    long aux = vn + U32(elf, vn + 8);
                    for (int j = 0; j < count; j++)
                    {
                        if (vnFile == file && Str(elf, strtab, U32(elf, aux + 8)) == version) return aux + 4;
                        aux += U32(elf, aux + 12);
                    }
                    uint next = U32(elf, vn + 12);
                    if (next == 0) break;
                    vn += next;
                }
            }
            return -1;
        }

        /// <summary>Sets <c>VER_FLG_WEAK</c> on the needed version in the image (in memory).</summary>
        public static Outcome MarkNeededVersionWeak(byte[] elf, string file, string version)
        {
            long at = FindNeededVersionFlags(elf, file, version);
            if (at < 0) return Outcome.NotNeeded;
            ushort flags = U16(elf, at);
            if ((flags & VerFlagWeak) != 0) return Outcome.AlreadyWeak;
            flags |= VerFlagWeak;
            elf[at] = (byte)flags;
            elf[at + 1] = (byte)(flags >> 8);
            return Outcome.Patched;
        }

        /// <summary>The version names a library defines (<c>.gnu.version_d</c>), e.g. GLIBCXX_3.4.30 for libstdc++.</summary>
        public static List<string> DefinedVersions(byte[] elf)
        {
            var names = new List<string>();
            foreach (var s in Sections(elf))
            {
                if (s.Type != ShtGnuVerdef) continue;
                var strtab = SectionAt(elf, (int)s.Link);
                long vd = s.Offset;
                for (uint i = 0; i < s.Info; i++)
                {
                    long aux = vd + U32(elf, vd + 12);
                    names.Add(Str(elf, strtab, U32(elf, aux)));   // the first Verdaux names the version itself
                    uint next = U32(elf, vd + 16);
                    if (next == 0) break;
                    vd += next;
                }
            }
            return names;
        }

        /// <summary>
        /// Marks the needed version weak in <paramref name="path"/> without ever writing into the existing file: the
        /// patched image goes to a temporary file beside it, which then replaces it by an atomic rename. The file may be
        /// a hard link into the NuGet cache; the rename leaves the cache untouched.
        /// </summary>
        public static Outcome PatchFile(string path, string file, string version)
        {
            byte[] elf = File.ReadAllBytes(path);
            Outcome outcome = MarkNeededVersionWeak(elf, file, version);
            if (outcome != Outcome.Patched) return outcome;
            WriteReplacing(path, elf);
            return outcome;
        }

        /// <summary>
        /// Writes <paramref name="bytes"/> to <paramref name="path"/> through a temp file in the same folder and a
        /// rename, so no reader ever sees a half-written file and an existing file (or hard link) is replaced, not edited.
        /// </summary>
        public static void WriteReplacing(string path, byte[] bytes)
        {
            string full = Path.GetFullPath(path);
            string temp = Path.Combine(Path.GetDirectoryName(full), "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                bool replace = File.Exists(full);
                if (replace) File.Copy(full, temp);   // the copy carries the file mode over
                using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
                    fs.Write(bytes, 0, bytes.Length);
                if (replace)
                    File.Replace(temp, full, null);   // rename(2) on Unix
                else
                    File.Move(temp, full);
            }
            finally
            {
                if (File.Exists(temp)) TryDelete(temp);
            }
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        /// <summary>
        /// Whether the <paramref name="soname"/> (e.g. libstdc++.so.6) that this process would load defines
        /// <paramref name="version"/>. Looks at the copy already mapped into the process first, then LD_LIBRARY_PATH,
        /// then the usual system folders. False when no copy is found (patching is then harmless).
        /// </summary>
        public static bool SystemLibraryDefines(string soname, string version, out string found)
        {
            found = null;
            foreach (string candidate in Candidates(soname))
            {
                if (!File.Exists(candidate)) continue;
                found = candidate;
                return DefinedVersions(File.ReadAllBytes(candidate)).Contains(version);
            }
            return false;
        }

        private static IEnumerable<string> Candidates(string soname)
        {
            string maps = null;
            try { maps = File.ReadAllText("/proc/self/maps"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (maps != null)
                foreach (string line in maps.Split('\n'))
                {
                    int slash = line.IndexOf('/');
                    if (slash >= 0 && line.EndsWith("/" + soname, StringComparison.Ordinal)) yield return line.Substring(slash);
                }
            string ld = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ld))
                foreach (string dir in ld.Split(':'))
                    if (dir.Length > 0) yield return Path.Combine(dir, soname);
            foreach (string dir in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
                                           "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/local/lib" })
                yield return Path.Combine(dir, soname);
        }

        private static IEnumerable<Section> Sections(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("Not an ELF file.");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException($"Only ELF64 little-endian is supported (class {elf[4]}, data {elf[5]}).");
            long shoff = (long)U64(elf, 0x28);
            int shentsize = U16(elf, 0x3A);
            int shnum = U16(elf, 0x3C);
            if (shoff == 0 || shnum == 0) yield break;   // section headers stripped: nothing we can edit safely
            if (shentsize < 64 || shoff + (long)shnum * shentsize > elf.Length)
                throw new InvalidDataException($"Section header table [{shoff}, +{shnum}x{shentsize}) lies outside the file ({elf.Length} bytes).");
            for (int i = 0; i < shnum; i++) yield return SectionAt(elf, i);
        }

        private static Section SectionAt(byte[] elf, int index)
        {
            long at = (long)U64(elf, 0x28) + (long)index * U16(elf, 0x3A);
            return new Section
            {
                Type = U32(elf, at + 4),
                Offset = (long)U64(elf, at + 24),
                Size = (long)U64(elf, at + 32),
                Link = U32(elf, at + 40),
                Info = U32(elf, at + 44),
            };
        }

        private static string Str(byte[] elf, Section strtab, uint offset)
        {
            long start = strtab.Offset + offset;
            long end = start;
            long limit = Math.Min(elf.Length, strtab.Offset + strtab.Size);
            while (end < limit && elf[end] != 0) end++;
            return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
        }

        private static ushort U16(byte[] b, long at) => (ushort)(b[at] | b[at + 1] << 8);
        private static uint U32(byte[] b, long at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);
        private static ulong U64(byte[] b, long at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
    }

#if !NET
    /// <summary>
    /// MSBuild task (compiled inline by MLNetContextual.Estimators.targets): marks GLIBCXX_3.4.32 weak in each
    /// libLibTorchSharp.so given, when the system libstdc++ lacks that version.
    /// </summary>
    public class PatchLibTorchSharpForOldLibStdCxx : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; }

        public override bool Execute()
        {
            const string libstdcxx = "libstdc++.so.6", version = "GLIBCXX_3.4.32";
            string system;
            if (ElfVersionPatcher.SystemLibraryDefines(libstdcxx, version, out system))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "{0} defines {1}; libLibTorchSharp.so loads as is.", system, version);
                return true;
            }
            foreach (var item in Files)
            {
                string path = item.GetMetadata("FullPath");
                if (!File.Exists(path)) continue;
                var outcome = ElfVersionPatcher.PatchFile(path, libstdcxx, version);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                    "MLNetContextual: {0}: {1} {2} ({3} lacks it).", path, outcome, version, system ?? libstdcxx);
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
