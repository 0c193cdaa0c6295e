namespace RemoteDev.Bench.ControlPlane;

internal static class Percentiles
{
    public static double Of(List<double> values, double percentile)
    {
        values.Sort();
        return values[Math.Clamp((int)Math.Ceiling(percentile / 100 * values.Count) - 1, 0, values.Count - 1)];
    }
}
