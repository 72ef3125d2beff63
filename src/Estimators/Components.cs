using MLNetContextual;

// The stable ids under which this assembly's transformers are saved (see src/Transforms/Persistence/Components.cs).
[assembly: ContextualComponent(ContextualTextClassificationTransformer.ComponentId, typeof(ContextualTextClassificationTransformer), MaxFormatVersion = 3)]
[assembly: ContextualComponent("question-answer", typeof(ContextualQuestionAnswerTransformer), MaxFormatVersion = 2)]
[assembly: ContextualComponent("contextual-topic-model", typeof(ContextualTopicModelTransformer))]
[assembly: ContextualComponent(UniversalSentenceEncoderTransformer.ComponentId, typeof(UniversalSentenceEncoderTransformer))]
[assembly: ContextualComponent(MirrorBertTransformer.ComponentId, typeof(MirrorBertTransformer))]
[assembly: ContextualComponent(CrossViewTaggerTransformer.ComponentId, typeof(CrossViewTaggerTransformer))]
