namespace Nmf.Tests;

/// <summary>Where the repository root and the shared read-only data live, found from the test binary.</summary>
internal static class TestPaths
{
    /// <summary>The repository root: the first folder above the test binary that holds Nmf.slnx.</summary>
    public static string Root = FindRoot();

    /// <summary>The shared input folder, <c>../shared</c> from the repository root.</summary>
    public static string Shared = Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Nmf.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Nmf.slnx not found above " + AppContext.BaseDirectory);
    }
}
