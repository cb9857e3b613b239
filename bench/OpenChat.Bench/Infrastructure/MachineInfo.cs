using System.Runtime;
using System.Runtime.InteropServices;

namespace OpenChat.Bench.Infrastructure;

/// <summary>What the numbers were measured on; printed at the top of every run and result file.</summary>
public static class MachineInfo
{
    public static Table Describe(string appDll)
    {
        var table = new Table("Machine", ("item", Align.Left), ("value", Align.Left));
        table.AddRow("date (UTC)", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("host", Environment.MachineName);
        table.AddRow("OS", RuntimeInformation.OSDescription.Trim());
        table.AddRow("CPU", CpuModel() ?? RuntimeInformation.ProcessArchitecture.ToString());
        table.AddRow("logical cores", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("load average (1/5/15 min)", LoadAverage() ?? "n/a");
        table.AddRow(".NET (bench)", RuntimeInformation.FrameworkDescription);
        table.AddRow("bench GC", GCSettings.IsServerGC ? "server" : "workstation");
        table.AddRow("app", appDll);
        return table;
    }

    private static string? CpuModel()
    {
        try
        {
            const string cpuinfo = "/proc/cpuinfo";
            if (!File.Exists(cpuinfo))
            {
                return null;
            }

            var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? LoadAverage()
    {
        try
        {
            const string loadavg = "/proc/loadavg";
            return File.Exists(loadavg) ? string.Join(' ', File.ReadAllText(loadavg).Split(' ').Take(3)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
