using System.CommandLine;
using System.CommandLine.Help;
using Nmf.Cli;

// The verbs of the nmf tool: each is one file with a static Create() factory; add a verb by adding one line here.
// The root is named nmf, not after the executable (Nmf.Cli under dotnet run or as a tool), so usage lines say nmf.
var root = new Command("nmf", "nmf: non-negative matrix factorization (scikit-learn compatible) of CSV, TSV, Matrix Market and .npy files.")
{
    new HelpOption(),
    new VersionOption(),
    FitCommand.Create(),
    TransformCommand.Create(),
    InfoCommand.Create(),
    ImagesCommand.Create(),
    TopicsCommand.Create(),
    UpdateCommand.Create(),
    WorkerCommand.Create(),
    ConsensusCommand.Create(),
    CrossvalCommand.Create(),
};

return CliRuntime.Run(root, args);
