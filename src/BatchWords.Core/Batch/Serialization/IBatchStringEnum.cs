namespace BatchWords.Batch.Serialization;

/// <summary>
/// Implemented by the extensible enum structs so one generic converter can build any of them from its wire string.
/// </summary>
internal interface IBatchStringEnum<TSelf> where TSelf : struct, IBatchStringEnum<TSelf>
{
    static abstract TSelf FromWireValue(string value);
}
