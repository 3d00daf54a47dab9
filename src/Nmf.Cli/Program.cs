using System.CommandLine;
using Nmf.Cli;

// The verbs of the nmf tool: each is one file with a static Create() factory; add a verb by adding one line here.
var root = new RootCommand("nmf: non-negative matrix factorization (scikit-learn compatible) of CSV, TSV, Matrix Market and .npy files.")
{
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
