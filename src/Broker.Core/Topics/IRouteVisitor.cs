namespace Broker.Core.Topics;

/// <summary>What <see cref="PatternIndex.Match{TVisitor}(ReadOnlySpan{char}, ref TVisitor)"/> calls for each matching route (a struct: no allocation).</summary>
internal interface IRouteVisitor
{
    void Visit(TopicRoute route);
}
